package org.fdstore.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Turns {@link Reply}s into frames and back, and splits a LIST into frames that fit.
 *
 * <p>The encoder refuses exactly what the decoder would call malformed, so every reply it writes decodes again.
 *
 * <p>Stateless and thread safe; the buffers are the caller's, and only one thread may use a buffer at a time.
 */
public final class ReplyCodec {
    /** Header, errno, empty message and entry count: what a LIST frame holds besides its entries. */
    private static final int LIST_FRAME_OVERHEAD = Limits.HEADER_SIZE + 4 + 2 + 4;

    private ReplyCodec() {}

    /**
     * Writes one reply frame, header version {@link Limits#VERSION}, at {@code out}'s position, and advances the
     * position past it. The buffer's byte order is unchanged.
     *
     * @param replyType the request's type with bit 7 set, or {@link Limits#ERROR_REPLY_TYPE}; a {@link
     *     Reply.Failure} may answer any type, a success only its own ({@link Reply.Restored} answers RESTORE and
     *     TAKE)
     * @param continues whether more frames of this reply follow; only a LIST, INSPECT, SAVE_MANY or RESTORE_MANY reply
     *     may set it. A {@link Reply.RestoredBare} is written with {@link Limits#FLAG_BARE}
     * @param fdCount the fds sent with the frame; must equal {@code reply.fdCount()}
     * @return the frame's length
     * @throws IllegalArgumentException if {@code replyType} does not fit {@code reply}, {@code continues} or
     *     {@code fdCount} does not fit it, or a value is outside the limits (a string over its limit or with an
     *     unpaired surrogate, a field that is not a u16, a frame over {@link Limits#MAX_FRAME}); nothing is
     *     written then
     * @throws java.nio.BufferOverflowException if {@code out} has not room for the frame; nothing is written then
     */
    public static int encode(int replyType, long requestId, boolean continues, Reply reply, int fdCount,
            ByteBuffer out) {
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(out, "out");
        checkReplyType(replyType, reply);
        if (continues && !mayContinue(reply)) {
            throw new IllegalArgumentException("only a LIST, INSPECT, SAVE_MANY or RESTORE_MANY reply may continue, not "
                    + reply);
        }
        if (fdCount != reply.fdCount()) {
            throw new IllegalArgumentException(reply.getClass().getSimpleName() + " carries " + reply.fdCount()
                    + " fds, not " + fdCount);
        }
        EncodedBody payload = payload(reply, requestId);
        int flags = (continues ? Limits.FLAG_CONTINUES : 0)
                | (reply instanceof Reply.RestoredBare ? Limits.FLAG_BARE : 0);
        return WireWriter.writeFrame(out, replyType, flags, requestId, fdCount, payload);
    }

    /**
     * The body of {@code reply}. Each kind with more than a field or two is made by a method of its own: a bulk
     * restore's daemon runs one of them per frame, and the JIT compiles a small method soon and keeps it compiled,
     * where one large switch would wait longer, and start over whenever a reply of another kind turned up.
     */
    private static EncodedBody payload(Reply reply, long requestId) {
        return switch (reply) {
            case Reply.Failure f -> message(f.errno(), f.message(), "failure message");
            case Reply.Welcome v -> welcome(v);
            case Reply.Saved s -> success(8, w -> w.u64(s.id()));
            case Reply.Restored r -> success(WireWriter.entrySize(r.entry()), w -> w.entry(r.entry()));
            case Reply.Removed r -> success(8, w -> w.u64(r.id()));
            case Reply.Listed l -> entries(l.entries());
            case Reply.Inspected i -> inspected(i.entries());
            case Reply.Dropped d -> success(4, w -> w.u32(d.count()));
            case Reply.Published p -> success(4, w -> w.u32(p.series()));
            case Reply.SavedMany m -> success(4 + 8L * m.ids().size(), w -> {
                w.u32(m.ids().size());
                m.ids().forEach(w::u64);
            });
            case Reply.RestoredMany m -> entries(m.entries());
            case Reply.RestoredBare b -> bare(b.entries());
            case Reply.FastPathIndex f -> success(8, w -> w.u32(f.daemonPid()).u32(f.indexFd()));
            case Reply.Reported r -> status(r.status());
            case Reply.Metrics m -> {
                byte[] text = Utf8.encode(m.text(), Reply.Metrics.MAX_TEXT_BYTES, "metrics text");
                yield success(4 + text.length, w -> w.blob(text));
            }
            case Reply.GoAway g -> {
                if (requestId != 0) throw new IllegalArgumentException("GOAWAY carries request id 0, not " + requestId);
                yield message(g.reason().code(), g.message(), "GOAWAY message");
            }
        };
    }

    /** An errno or GOAWAY reason and its message: a body of no success. */
    private static EncodedBody message(int code, String message, String what) {
        byte[] text = Utf8.encode(message, Limits.MAX_STRING_BYTES, what);
        return new EncodedBody(4 + 2 + text.length, w -> w.u32(code).string(text));
    }

    private static EncodedBody welcome(Reply.Welcome v) {
        WireWriter.checkU16("version", v.version());
        WireWriter.checkU16("max name", v.maxName());
        WireWriter.checkU16("max fds per frame", v.maxFdsPerFrame());
        byte[] namespace = Utf8.encode(v.namespace(), Limits.MAX_NAMESPACE_BYTES, "welcome namespace");
        return success(2 + 8 + 4 + 4 + 2 + 4 + 2 + 2 + namespace.length, w -> w.u16(v.version())
                .u64(v.features()).u32(v.daemonPid()).u32(v.maxFrame()).u16(v.maxName())
                .u32(v.maxMetadata()).u16(v.maxFdsPerFrame()).string(namespace));
    }

    /** Whole entries, as LIST and RESTORE_MANY send them. */
    private static EncodedBody entries(List<EntryInfo> entries) {
        return counted(entries, WireWriter::entrySize, WireWriter::entry);
    }

    private static EncodedBody inspected(List<InspectInfo> entries) {
        return counted(entries, WireWriter::inspectedSize, WireWriter::inspected);
    }

    private static EncodedBody bare(List<BareEntry> entries) {
        return counted(entries,
                e -> BareEntry.FIXED_SIZE + Utf8.checkedLength(e.name(), Limits.MAX_NAME_BYTES, "entry name"),
                (w, e) -> w.u64(e.id()).string(e.name()));
    }

    /** A success of a {@code u32} count and then {@code items}, each {@code sizeOf} bytes as {@code write} writes it. */
    private static <T> EncodedBody counted(List<T> items, ToLongFunction<T> sizeOf, BiConsumer<WireWriter, T> write) {
        long size = 4;
        for (T item : items) size += sizeOf.applyAsLong(item);
        return success(size, w -> {
            w.u32(items.size());
            for (T item : items) write.accept(w, item);
        });
    }

    private static EncodedBody status(DaemonStatus status) {
        long size = 4;
        for (DaemonStatus.Field f : status.fields()) size += statusFieldSize(f);
        return success(size, w -> {
            w.u32(status.fields().size());
            for (DaemonStatus.Field f : status.fields()) {
                w.string(Utf8.encode(f.key(), DaemonStatus.MAX_KEY_BYTES, "STATUS key"))
                        .string(Utf8.encode(f.value(), DaemonStatus.MAX_VALUE_BYTES, "STATUS value"));
            }
        });
    }

    /**
     * Reads the reply frame between {@code frame}'s position and limit. The buffer's position and byte order are
     * unchanged, and nothing of it is kept.
     *
     * <p>Type {@code 0xFF} with code 1 or 2 in the errno's place gives a {@link Reply.GoAway}; a non-zero errno, or
     * type {@code 0xFF}, gives a {@link Reply.Failure}; otherwise the payload is chosen by the type with bit 7
     * cleared.
     *
     * @param receivedFds how many fds arrived with the frame
     * @throws ProtocolException EPROTO for a malformed frame (see {@link FrameHeader#read}, a type without bit 7 or
     *     unknown, a negative errno, errno 0 in a {@code 0xFF} reply, a message on success, an fd count that does
     *     not suit the reply, {@code CONTINUES} on anything but a successful LIST, INSPECT, SAVE_MANY or RESTORE_MANY,
     *     {@code BARE} on anything but a successful RESTORE_MANY, a GOAWAY with a request id, a STATUS
     *     missing a key of version 1 or with a value out of its format, a truncated field, a string or
     *     blob over its limit, malformed UTF-8, trailing bytes); EMSGSIZE for a frame over {@link Limits#MAX_FRAME}
     * @throws IllegalArgumentException if {@code receivedFds} is negative or above 253
     */
    public static DecodedReply decode(ByteBuffer frame, int receivedFds) throws ProtocolException {
        FrameHeader header = FrameHeader.read(frame, receivedFds);
        WireReader r = new WireReader(frame, header);
        int type = header.type();
        if ((type & MessageType.REPLY_BIT) == 0) throw r.malformed("not a reply: bit 7 of the type is clear");
        int errno = r.i32("errno");
        String message = r.string("message", Limits.MAX_STRING_BYTES);
        if (errno < 0) throw r.malformed("errno " + errno + " is negative");
        Reply reply;
        var goAway = type == Limits.ERROR_REPLY_TYPE ? Reply.GoAway.Reason.ofCode(errno) : Optional.<Reply.GoAway.Reason>empty();
        if (goAway.isPresent()) {
            if (header.requestId() != 0) throw r.malformed("a GOAWAY carries request id 0");
            reply = new Reply.GoAway(goAway.get(), message);
        } else if (errno != 0) {
            reply = new Reply.Failure(errno, message);
        } else if (type == Limits.ERROR_REPLY_TYPE) {
            throw r.malformed("errno is 0");
        } else if (!message.isEmpty()) {
            throw r.malformed("a success carries the message " + Quote.of(message));
        } else {
            MessageType request = MessageType.ofCode(type & ~MessageType.REPLY_BIT)
                    .orElseThrow(() -> r.malformed("version " + Limits.VERSION + " defines no such reply"));
            reply = switch (request) {
                case HELLO -> new Reply.Welcome(r.u16("version"), r.u64("features"), r.u32("daemon pid"),
                        r.u32("max frame"), r.u16("max name"), r.u32("max metadata"), r.u16("max fds per frame"),
                        r.string("namespace", Limits.MAX_NAMESPACE_BYTES));
                case SAVE -> new Reply.Saved(r.u64("id"));
                case RESTORE, TAKE -> new Reply.Restored(r.entry());
                case REMOVE -> new Reply.Removed(r.u64("id"));
                case LIST -> new Reply.Listed(entries(r));
                case INSPECT -> new Reply.Inspected(inspected(r));
                case DROP -> new Reply.Dropped(r.u32("count"));
                case PUBLISH_METRICS -> new Reply.Published(r.u32("series"));
                case SAVE_MANY -> new Reply.SavedMany(ids(r));
                case RESTORE_MANY -> header.bare() ? new Reply.RestoredBare(bareEntries(r))
                        : new Reply.RestoredMany(restoredEntries(r));
                case FASTPATH -> new Reply.FastPathIndex(r.u32("daemon pid"), r.u32("index fd"));
                case STATUS -> new Reply.Reported(status(r));
                case METRICS -> new Reply.Metrics(new String(r.blob("metrics text", Reply.Metrics.MAX_TEXT_BYTES),
                        java.nio.charset.StandardCharsets.UTF_8));
            };
        }
        r.end();
        if (header.fdCount() != reply.fdCount()) {
            throw r.malformed("carries " + header.fdCount() + " fds, but this reply carries " + reply.fdCount());
        }
        if (header.continues() && !mayContinue(reply)) {
            throw r.malformed("only a successful LIST, INSPECT, SAVE_MANY, RESTORE_MANY or METRICS reply may set CONTINUES");
        }
        if (header.bare() && !(reply instanceof Reply.RestoredBare)) {
            throw r.malformed("only a successful RESTORE_MANY reply may set BARE");
        }
        return new DecodedReply(header, reply);
    }

    /**
     * Splits entries into the payloads of a LIST reply's frames, in order, each frame (header, errno, empty
     * message, count, entries) at most {@link Limits#MAX_FRAME} bytes. Every frame but the last is sent with
     * {@code CONTINUES}.
     *
     * @return unmodifiable lists; one empty list for no entries
     * @throws IllegalArgumentException if an entry is outside the limits (then it fits no frame)
     */
    public static List<List<EntryInfo>> chunkForList(List<EntryInfo> entries) {
        return Chunks.split(entries, LIST_FRAME_OVERHEAD, WireWriter::entrySize, Integer.MAX_VALUE);
    }

    /**
     * Splits inspected entries into the payloads of an INSPECT reply's frames, as {@link #chunkForList} does.
     *
     * @return unmodifiable lists; one empty list for no entries
     * @throws IllegalArgumentException if an entry is outside the limits
     */
    public static List<List<InspectInfo>> chunkForInspect(List<InspectInfo> entries) {
        return Chunks.split(entries, LIST_FRAME_OVERHEAD, WireWriter::inspectedSize, Integer.MAX_VALUE);
    }

    /**
     * Splits the ids of a SAVE_MANY reply into the payloads of its frames, in order, each frame at most
     * {@link Limits#MAX_FRAME} bytes. Every frame but the last is sent with {@code CONTINUES}.
     *
     * @return unmodifiable lists; one empty list for no ids
     */
    public static List<List<Long>> chunkIds(List<Long> ids) {
        return Chunks.split(ids, LIST_FRAME_OVERHEAD, id -> 8, Integer.MAX_VALUE);
    }

    /**
     * Splits entries into the payloads of a RESTORE_MANY reply's frames, in order: at most 253 entries (fds) per
     * frame, each frame at most {@link Limits#MAX_FRAME} bytes. Every frame but the last is sent with
     * {@code CONTINUES}.
     *
     * @return unmodifiable lists; one empty list for no entries
     * @throws IllegalArgumentException if an entry is outside the limits
     */
    public static List<List<EntryInfo>> chunkForRestoreMany(List<EntryInfo> entries) {
        return Chunks.split(entries, LIST_FRAME_OVERHEAD, WireWriter::entrySize, Limits.MAX_FDS_PER_FRAME);
    }

    /** Bytes an entry takes in a LIST or RESTORE_MANY frame, after checking it against the limits. */
    public static long entrySize(EntryInfo entry) {
        return WireWriter.entrySize(entry);
    }

    /** Header, errno, empty message and count: what a LIST, INSPECT, SAVE_MANY or RESTORE_MANY frame holds besides its items. */
    public static int multiFrameOverhead() {
        return LIST_FRAME_OVERHEAD;
    }

    private static boolean mayContinue(Reply reply) {
        return reply instanceof Reply.Listed || reply instanceof Reply.Inspected || reply instanceof Reply.SavedMany
                || reply instanceof Reply.RestoredMany || reply instanceof Reply.RestoredBare
                || reply instanceof Reply.Metrics;
    }

    private static List<Long> ids(WireReader r) throws ProtocolException {
        long count = Integer.toUnsignedLong(r.u32("id count"));
        if (count > r.remaining() / 8) throw r.malformed(count + " ids cannot fit in the " + r.remaining()
                + " bytes left");
        List<Long> ids = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) ids.add(r.u64("id"));
        return ids;
    }

    private static List<EntryInfo> restoredEntries(WireReader r) throws ProtocolException {
        List<EntryInfo> entries = entries(r);
        if (entries.size() > Limits.MAX_FDS_PER_FRAME) {
            throw r.malformed(entries.size() + " entries exceed " + Limits.MAX_FDS_PER_FRAME + " per frame");
        }
        return entries;
    }

    private static List<BareEntry> bareEntries(WireReader r) throws ProtocolException {
        long count = Integer.toUnsignedLong(r.u32("entry count"));
        // Refused before allocating: a hostile count must not size the list.
        if (count > Limits.MAX_FDS_PER_FRAME) {
            throw r.malformed(count + " entries exceed " + Limits.MAX_FDS_PER_FRAME + " per frame");
        }
        if (count > r.remaining() / BareEntry.FIXED_SIZE) {
            throw r.malformed(count + " entries cannot fit in the " + r.remaining() + " bytes left");
        }
        List<BareEntry> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            entries.add(new BareEntry(r.u64("entry id"), r.string("entry name", Limits.MAX_NAME_BYTES)));
        }
        return entries;
    }

    private static DaemonStatus status(WireReader r) throws ProtocolException {
        long count = Integer.toUnsignedLong(r.u32("pair count"));
        if (count > r.remaining() / 4) {
            throw r.malformed(count + " pairs cannot fit in the " + r.remaining() + " bytes left");
        }
        List<DaemonStatus.Field> fields = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            String key = r.string("STATUS key", DaemonStatus.MAX_KEY_BYTES);
            String value = r.string("STATUS value", DaemonStatus.MAX_VALUE_BYTES);
            try {
                fields.add(new DaemonStatus.Field(key, value));
            } catch (IllegalArgumentException e) {
                throw r.malformed(e.getMessage());
            }
        }
        try {
            return DaemonStatus.of(fields);
        } catch (IllegalArgumentException e) {
            throw r.malformed(e.getMessage());
        }
    }

    private static long statusFieldSize(DaemonStatus.Field f) {
        return 2 + Utf8.length(f.key()) + 2 + Utf8.length(f.value());
    }

    private static List<InspectInfo> inspected(WireReader r) throws ProtocolException {
        long count = Integer.toUnsignedLong(r.u32("entry count"));
        if (count > r.remaining() / (EntryInfo.FIXED_SIZE + InspectInfo.FIXED_SIZE)) {
            throw r.malformed(count + " entries cannot fit in the " + r.remaining() + " bytes left");
        }
        List<InspectInfo> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) entries.add(r.inspected());
        return entries;
    }

    private static List<EntryInfo> entries(WireReader r) throws ProtocolException {
        long count = Integer.toUnsignedLong(r.u32("entry count"));
        // Refused before allocating: a hostile count must not size the list.
        if (count > r.remaining() / EntryInfo.FIXED_SIZE) {
            throw r.malformed(count + " entries cannot fit in the " + r.remaining() + " bytes left");
        }
        List<EntryInfo> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) entries.add(r.entry());
        return entries;
    }

    private static EncodedBody success(long payloadLength, Consumer<WireWriter> payload) {
        return new EncodedBody(4 + 2 + payloadLength, w -> payload.accept(w.u32(0).u16(0)));
    }

    private static void checkReplyType(int replyType, Reply reply) {
        if (replyType < MessageType.REPLY_BIT || replyType > 0xFF) {
            throw new IllegalArgumentException("reply type " + replyType + " is not a byte with bit 7 set");
        }
        if (reply instanceof Reply.Failure f) {
            if (replyType == Limits.ERROR_REPLY_TYPE && Reply.GoAway.Reason.ofCode(f.errno()).isPresent()) {
                throw new IllegalArgumentException("errno " + f.errno() + " under type 0xff would read as a GOAWAY");
            }
            return;
        }
        boolean fits = switch (reply) {
            case Reply.Welcome w -> replyType == MessageType.HELLO.replyCode();
            case Reply.Saved s -> replyType == MessageType.SAVE.replyCode();
            case Reply.Restored r -> replyType == MessageType.RESTORE.replyCode()
                    || replyType == MessageType.TAKE.replyCode();
            case Reply.Removed r -> replyType == MessageType.REMOVE.replyCode();
            case Reply.Listed l -> replyType == MessageType.LIST.replyCode();
            case Reply.Inspected i -> replyType == MessageType.INSPECT.replyCode();
            case Reply.Dropped d -> replyType == MessageType.DROP.replyCode();
            case Reply.Published p -> replyType == MessageType.PUBLISH_METRICS.replyCode();
            case Reply.SavedMany m -> replyType == MessageType.SAVE_MANY.replyCode();
            case Reply.RestoredMany m -> replyType == MessageType.RESTORE_MANY.replyCode();
            case Reply.RestoredBare b -> replyType == MessageType.RESTORE_MANY.replyCode();
            case Reply.FastPathIndex f -> replyType == MessageType.FASTPATH.replyCode();
            case Reply.Reported r -> replyType == MessageType.STATUS.replyCode();
            case Reply.Metrics m -> replyType == MessageType.METRICS.replyCode();
            case Reply.GoAway g -> replyType == Limits.ERROR_REPLY_TYPE;
            case Reply.Failure f -> true;
        };
        if (!fits) {
            throw new IllegalArgumentException(String.format("a %s cannot answer type 0x%02x",
                    reply.getClass().getSimpleName(), replyType));
        }
    }
}

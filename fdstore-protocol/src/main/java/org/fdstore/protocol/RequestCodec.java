package org.fdstore.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns {@link Request}s into frames and back.
 *
 * <p>The encoder refuses exactly what the decoder would call malformed, so every request it writes decodes again.
 * Neither checks names against {@link Names}, the version, or whether the fd count suits the type: those make a
 * well-formed request that the daemon refuses with an errno.
 *
 * <p>Stateless and thread safe; the buffers are the caller's, and only one thread may use a buffer at a time.
 */
public final class RequestCodec {
    /** RESTORE_MANY body tag: every entry of one namespace. */
    static final int RESTORE_NAMESPACE = 1;
    /** RESTORE_MANY body tag: a list of selectors. */
    static final int RESTORE_SELECTED = 2;

    private RequestCodec() {}

    /**
     * Writes one request frame, header version {@link Limits#VERSION} and fd count {@code request.fdCount()}, at
     * {@code out}'s position, and advances the position past it. The buffer's byte order is unchanged.
     *
     * @return the frame's length
     * @throws IllegalArgumentException if a value is outside the limits (a HELLO client name over 255 bytes, a
     *     version that is not a u16, metadata over 64 KiB, a string with an unpaired surrogate, a frame over
     *     {@link Limits#MAX_FRAME}), or for an {@link Request.Unknown} whose code version 1 defines; nothing is
     *     written then
     * @throws java.nio.BufferOverflowException if {@code out} has not room for the frame; nothing is written then
     */
    public static int encode(long requestId, Request request, ByteBuffer out) {
        return encode(requestId, request, false, out);
    }

    /**
     * Writes one request frame as {@link #encode(long, Request, ByteBuffer)} does, with {@code CONTINUES} set if
     * {@code continues}: more frames of this request follow.
     *
     * @throws IllegalArgumentException as {@link #encode(long, Request, ByteBuffer)}, and if {@code continues} is
     *     set on a request other than {@link Request.SaveMany} or {@link Request.RestoreSelected}
     */
    public static int encode(long requestId, Request request, boolean continues, ByteBuffer out) {
        Objects.requireNonNull(request, "request");
        if (continues && !mayContinue(request)) {
            throw new IllegalArgumentException("only SAVE_MANY and a RESTORE_MANY of selectors span frames, not "
                    + request);
        }
        Objects.requireNonNull(out, "out");
        EncodedBody body = switch (request) {
            case Request.Hello h -> {
                WireWriter.checkU16("HELLO min version", h.minVersion());
                WireWriter.checkU16("HELLO max version", h.maxVersion());
                byte[] client = Utf8.encode(h.client(), Limits.MAX_NAME_BYTES, "HELLO client name");
                yield new EncodedBody(2 + 2 + 8 + 2 + client.length,
                        w -> w.u16(h.minVersion()).u16(h.maxVersion()).u64(h.features()).string(client));
            }
            case Request.Save s -> saveBody(s);
            case Request.SaveMany m -> {
                List<EncodedBody> items = m.items().stream().map(RequestCodec::saveBody).toList();
                long length = 4;
                for (EncodedBody item : items) length += item.length();
                yield new EncodedBody(length, w -> {
                    w.u32(items.size());
                    items.forEach(item -> item.writer().accept(w));
                });
            }
            case Request.RestoreNamespace n -> {
                byte[] namespace = Utf8.encode(n.namespace(), Limits.MAX_STRING_BYTES, "RESTORE_MANY namespace");
                yield new EncodedBody(1 + 2 + namespace.length, w -> w.u8(RESTORE_NAMESPACE).string(namespace));
            }
            case Request.RestoreSelected r -> {
                // Sized and written in place: thousands of selectors, without an encoded body each.
                long length = 1 + 4;
                for (Selector selector : r.selectors()) length += selectorSize(selector);
                yield new EncodedBody(length, w -> {
                    w.u8(RESTORE_SELECTED).u32(r.selectors().size());
                    r.selectors().forEach(w::selector);
                });
            }
            case Request.FastPath f -> EncodedBody.EMPTY;
            case Request.Restore r -> selectorBody(r.selector());
            case Request.Remove r -> selectorBody(r.selector());
            case Request.Take t -> selectorBody(t.selector());
            case Request.ListEntries l -> EncodedBody.EMPTY;
            case Request.Inspect i -> EncodedBody.EMPTY;
            case Request.Drop d -> dropBody(d.target());
            case Request.Status st -> EncodedBody.EMPTY;
            case Request.Metrics m -> EncodedBody.EMPTY;
            case Request.PublishMetrics p -> {
                byte[] text = Utf8.encode(p.text(), Request.PublishMetrics.MAX_TEXT_BYTES, "published metrics");
                yield new EncodedBody(4 + text.length, w -> w.blob(text));
            }
            case Request.Unknown u -> {
                if (MessageType.ofCode(u.code()).isPresent()) {
                    throw new IllegalArgumentException("type " + u.code() + " is defined; encode its own record");
                }
                yield EncodedBody.EMPTY;
            }
        };
        int flags = (continues ? Limits.FLAG_CONTINUES : 0) | (bare(request) ? Limits.FLAG_BARE : 0);
        return WireWriter.writeFrame(out, request.code(), flags, requestId, request.fdCount(), body);
    }

    private static boolean bare(Request request) {
        return request instanceof Request.RestoreNamespace n && n.bare()
                || request instanceof Request.RestoreSelected s && s.bare();
    }

    /**
     * Splits a SAVE_MANY batch into the items of its frames, in order: at most 253 items (fds) per frame, each frame
     * at most {@link Limits#MAX_FRAME} bytes. Every frame but the last is sent with {@code CONTINUES}.
     *
     * @return unmodifiable lists; one empty list for no items
     * @throws IllegalArgumentException if an item is outside the limits (then it fits no frame)
     */
    public static List<List<Request.Save>> chunkSaveMany(List<Request.Save> items) {
        return Chunks.split(items, Limits.HEADER_SIZE + 4, s -> saveBody(s).length(), Limits.MAX_FDS_PER_FRAME);
    }

    /**
     * Splits the selectors of a RESTORE_MANY into the selectors of its frames, in order, each frame at most
     * {@link Limits#MAX_FRAME} bytes. Every frame but the last is sent with {@code CONTINUES}.
     *
     * @return unmodifiable lists; one empty list for no selectors
     * @throws IllegalArgumentException if a selector is outside the limits
     */
    public static List<List<Selector>> chunkSelectors(List<Selector> selectors) {
        return Chunks.split(selectors, Limits.HEADER_SIZE + 1 + 4, RequestCodec::selectorSize, Integer.MAX_VALUE);
    }

    private static boolean mayContinue(Request request) {
        return request instanceof Request.SaveMany || request instanceof Request.RestoreSelected;
    }

    private static EncodedBody saveBody(Request.Save s) {
        byte[] name = Utf8.encode(s.name(), Limits.MAX_STRING_BYTES, "SAVE name");
        byte[] metadata = s.metadataUnshared();
        WireWriter.checkMax("SAVE metadata", metadata.length, Limits.MAX_METADATA);
        byte[] namespace = Utf8.encode(s.namespace(), Limits.MAX_STRING_BYTES, "SAVE namespace");
        return new EncodedBody(2 + name.length + 4 + metadata.length + 2 + namespace.length + 8 + 4 + 4,
                w -> w.string(name).blob(metadata).string(namespace).lifetime(s.lifetime()));
    }

    /**
     * Reads the request frame between {@code frame}'s position and limit. The buffer's position and byte order are
     * unchanged, and nothing of it is kept.
     *
     * <p>A frame of a type version 1 does not define decodes to {@link Request.Unknown}, its body unread.
     *
     * @param receivedFds how many fds arrived with the frame
     * @throws ProtocolException EPROTO for a malformed frame (see {@link FrameHeader#read}, {@code CONTINUES} on
     *     a request other than SAVE_MANY or a RESTORE_MANY of selectors, a SAVE_MANY whose item count is not its fd
     *     count or above 253, a truncated field, a HELLO client name over 255 bytes, metadata over 64 KiB, malformed
     *     UTF-8, a bad selector or drop target tag, reserved lifetime flag bits, trailing bytes); EMSGSIZE for a frame over {@link Limits#MAX_FRAME}
     * @throws IllegalArgumentException if {@code receivedFds} is negative or above 253
     */
    public static DecodedRequest decode(ByteBuffer frame, int receivedFds) throws ProtocolException {
        FrameHeader header = FrameHeader.read(frame, receivedFds);
        WireReader r = new WireReader(frame, header);
        Optional<MessageType> type = MessageType.ofCode(header.type());
        if (type.isEmpty()) {
            if (header.continues()) throw r.malformed("a request of an unknown type must not set CONTINUES");
            return new DecodedRequest(header, new Request.Unknown(header.type()));
        }
        Request request = switch (type.get()) {
            case HELLO -> new Request.Hello(r.u16("min version"), r.u16("max version"), r.u64("features"),
                    r.string("client name", Limits.MAX_NAME_BYTES));
            case SAVE -> saveItem(r, "");
            case SAVE_MANY -> saveMany(r);
            case RESTORE_MANY -> restoreMany(r, header.bare());
            case FASTPATH -> new Request.FastPath();
            case RESTORE -> new Request.Restore(r.selector());
            case REMOVE -> new Request.Remove(r.selector());
            case TAKE -> new Request.Take(r.selector());
            case LIST -> new Request.ListEntries();
            case INSPECT -> new Request.Inspect();
            case DROP -> new Request.Drop(r.dropTarget());
            case STATUS -> new Request.Status();
            case METRICS -> new Request.Metrics();
            case PUBLISH_METRICS -> new Request.PublishMetrics(new String(r.blob("published metrics",
                    Request.PublishMetrics.MAX_TEXT_BYTES), java.nio.charset.StandardCharsets.UTF_8));
        };
        r.end();
        if (header.continues() && !mayContinue(request)) {
            throw r.malformed("only SAVE_MANY and a RESTORE_MANY of selectors may set CONTINUES on a request");
        }
        if (request instanceof Request.SaveMany m && m.items().size() != header.fdCount()) {
            throw r.malformed("SAVE_MANY frame holds " + m.items().size() + " items but " + header.fdCount()
                    + " fds");
        }
        return new DecodedRequest(header, request);
    }

    /** A SAVE body; {@code item} prefixes field names in messages ("" for SAVE itself). */
    private static Request.Save saveItem(WireReader r, String item) throws ProtocolException {
        return new Request.Save(r.string(item + "name", Limits.MAX_STRING_BYTES),
                r.blob(item + "metadata", Limits.MAX_METADATA),
                r.string(item + "namespace", Limits.MAX_STRING_BYTES), r.lifetime(item.isEmpty() ? "SAVE" : item.strip()));
    }

    private static Request.SaveMany saveMany(WireReader r) throws ProtocolException {
        long count = Integer.toUnsignedLong(r.u32("SAVE_MANY item count"));
        if (count > Limits.MAX_FDS_PER_FRAME) {
            throw r.malformed("SAVE_MANY frame holds " + count + " items, more than " + Limits.MAX_FDS_PER_FRAME);
        }
        List<Request.Save> items = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) items.add(saveItem(r, "item " + i + " "));
        return new Request.SaveMany(items);
    }

    private static Request restoreMany(WireReader r, boolean bare) throws ProtocolException {
        int tag = r.u8("RESTORE_MANY tag");
        if (tag == RESTORE_NAMESPACE) {
            return new Request.RestoreNamespace(r.string("RESTORE_MANY namespace", Limits.MAX_STRING_BYTES), bare);
        }
        if (tag != RESTORE_SELECTED) {
            throw r.malformed("RESTORE_MANY tag " + tag + " is neither 1 (namespace) nor 2 (selectors)");
        }
        long count = Integer.toUnsignedLong(r.u32("RESTORE_MANY selector count"));
        // Refused before allocating: a hostile count must not size the list (a selector takes at least 3 bytes).
        if (count > r.remaining() / 3) throw r.malformed(count + " selectors cannot fit in the " + r.remaining()
                + " bytes left");
        List<Selector> selectors = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) selectors.add(r.selector());
        return new Request.RestoreSelected(selectors, bare);
    }

    private static EncodedBody dropBody(DropTarget target) {
        return switch (target) {
            case DropTarget.Mount m -> {
                byte[] path = Utf8.encode(m.path(), Limits.MAX_PATH_BYTES, "drop mount path");
                yield new EncodedBody(1 + 2 + path.length, w -> w.u8(m.tag()).string(path));
            }
            case DropTarget.Uid u -> new EncodedBody(1 + 4, w -> w.u8(u.tag()).u32(u.uid()));
            case DropTarget.Namespace n -> {
                byte[] namespace = Utf8.encode(n.namespace(), Limits.MAX_STRING_BYTES, "drop namespace");
                yield new EncodedBody(1 + 2 + namespace.length, w -> w.u8(n.tag()).string(namespace));
            }
            case DropTarget.Id i -> new EncodedBody(1 + 8, w -> w.u8(i.tag()).u64(i.id()));
        };
    }

    private static EncodedBody selectorBody(Selector selector) {
        return new EncodedBody(selectorSize(selector), w -> w.selector(selector));
    }

    /** Bytes {@code selector} takes, after checking its name against the limits. */
    private static long selectorSize(Selector selector) {
        return switch (selector) {
            case Selector.ById id -> 1 + 8;
            case Selector.ByName n -> 1 + 2 + Utf8.checkedLength(n.name(), Limits.MAX_STRING_BYTES, "selector name");
        };
    }
}

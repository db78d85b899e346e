package org.fdstore.protocol;

import java.nio.ByteBuffer;
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
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(out, "out");
        EncodedBody body = switch (request) {
            case Request.Hello h -> {
                WireWriter.checkU16("HELLO min version", h.minVersion());
                WireWriter.checkU16("HELLO max version", h.maxVersion());
                byte[] client = Utf8.encode(h.client(), Limits.MAX_NAME_BYTES, "HELLO client name");
                yield new EncodedBody(2 + 2 + 8 + 2 + client.length,
                        w -> w.u16(h.minVersion()).u16(h.maxVersion()).u64(h.features()).string(client));
            }
            case Request.Save s -> {
                byte[] name = Utf8.encode(s.name(), Limits.MAX_STRING_BYTES, "SAVE name");
                byte[] metadata = s.metadataUnshared();
                WireWriter.checkMax("SAVE metadata", metadata.length, Limits.MAX_METADATA);
                byte[] namespace = Utf8.encode(s.namespace(), Limits.MAX_STRING_BYTES, "SAVE namespace");
                yield new EncodedBody(2 + name.length + 4 + metadata.length + 2 + namespace.length + 8 + 4 + 4,
                        w -> w.string(name).blob(metadata).string(namespace).lifetime(s.lifetime()));
            }
            case Request.Restore r -> selectorBody(r.selector());
            case Request.Remove r -> selectorBody(r.selector());
            case Request.Take t -> selectorBody(t.selector());
            case Request.ListEntries l -> EncodedBody.EMPTY;
            case Request.Inspect i -> EncodedBody.EMPTY;
            case Request.Drop d -> dropBody(d.target());
            case Request.Status st -> EncodedBody.EMPTY;
            case Request.Unknown u -> {
                if (MessageType.ofCode(u.code()).isPresent()) {
                    throw new IllegalArgumentException("type " + u.code() + " is defined; encode its own record");
                }
                yield EncodedBody.EMPTY;
            }
        };
        return WireWriter.writeFrame(out, FrameHeader.describeType(request.code()), request.code(), 0, requestId,
                request.fdCount(), body);
    }

    /**
     * Reads the request frame between {@code frame}'s position and limit. The buffer's position and byte order are
     * unchanged, and nothing of it is kept.
     *
     * <p>A frame of a type version 1 does not define decodes to {@link Request.Unknown}, its body unread.
     *
     * @param receivedFds how many fds arrived with the frame
     * @throws ProtocolException EPROTO for a malformed frame (see {@link FrameHeader#read}, a request with
     *     {@code CONTINUES}, a truncated field, a HELLO client name over 255 bytes, metadata over 64 KiB, malformed
     *     UTF-8, a bad selector or drop target tag, reserved lifetime flag bits, trailing bytes); EMSGSIZE for a frame over {@link Limits#MAX_FRAME}
     * @throws IllegalArgumentException if {@code receivedFds} is negative or above 253
     */
    public static DecodedRequest decode(ByteBuffer frame, int receivedFds) throws ProtocolException {
        FrameHeader header = FrameHeader.read(frame, receivedFds);
        WireReader r = new WireReader(frame, header);
        if (header.continues()) throw r.malformed("a request must not set CONTINUES");
        Optional<MessageType> type = MessageType.ofCode(header.type());
        if (type.isEmpty()) return new DecodedRequest(header, new Request.Unknown(header.type()));
        Request request = switch (type.get()) {
            case HELLO -> new Request.Hello(r.u16("min version"), r.u16("max version"), r.u64("features"),
                    r.string("client name", Limits.MAX_NAME_BYTES));
            case SAVE -> new Request.Save(r.string("name", Limits.MAX_STRING_BYTES),
                    r.blob("metadata", Limits.MAX_METADATA), r.string("namespace", Limits.MAX_STRING_BYTES),
                    r.lifetime("SAVE"));
            case RESTORE -> new Request.Restore(r.selector());
            case REMOVE -> new Request.Remove(r.selector());
            case TAKE -> new Request.Take(r.selector());
            case LIST -> new Request.ListEntries();
            case INSPECT -> new Request.Inspect();
            case DROP -> new Request.Drop(r.dropTarget());
            case STATUS -> new Request.Status();
        };
        r.end();
        return new DecodedRequest(header, request);
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
        return switch (selector) {
            case Selector.ById id -> new EncodedBody(1 + 8, w -> w.u8(WireReader.SELECTOR_BY_ID).u64(id.id()));
            case Selector.ByName n -> {
                byte[] name = Utf8.encode(n.name(), Limits.MAX_STRING_BYTES, "selector name");
                yield new EncodedBody(1 + 2 + name.length, w -> w.u8(WireReader.SELECTOR_BY_NAME).string(name));
            }
        };
    }
}

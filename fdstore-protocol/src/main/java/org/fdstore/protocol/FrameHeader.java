package org.fdstore.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.fdstore.linux.Errno;

/**
 * The 24-byte header that starts every frame.
 *
 * <p>{@code requestId} is a u64 and {@code bodyLength} a u32 bounded by the frame limit; both are kept in Java's
 * signed types, bit for bit. Immutable and thread safe.
 *
 * @param version protocol version of this frame, a u8
 * @param type message type, a u8: a request code, or a reply code with bit 7 set
 * @param flags a u16; {@link Limits#FLAG_CONTINUES} and {@link Limits#FLAG_BARE} are defined
 * @param requestId chosen by the client, echoed in the reply
 * @param bodyLength bytes after the header
 * @param fdCount fds in this frame's {@code SCM_RIGHTS}
 */
public record FrameHeader(int version, int type, int flags, long requestId, int bodyLength, int fdCount) {
    private static final int RESERVED_FLAGS = 0xFFFF & ~(Limits.FLAG_CONTINUES | Limits.FLAG_BARE);

    /**
     * Checks that each field fits its wire type.
     *
     * @throws IllegalArgumentException if a field does not fit, or {@code fdCount} exceeds 253
     */
    public FrameHeader {
        checkRange("version", version, 0xFF);
        checkRange("type", type, 0xFF);
        checkRange("flags", flags, 0xFFFF);
        checkRange("body length", bodyLength, Limits.MAX_FRAME - Limits.HEADER_SIZE);
        checkRange("fd count", fdCount, Limits.MAX_FDS_PER_FRAME);
    }

    /**
     * Reads and checks the header of the frame between {@code frame}'s position and limit.
     *
     * <p>Checks, in order: that the frame holds a header, the magic, the frame size, that no reserved flag is set and
     * that BARE is set on RESTORE_MANY frames only, that the body length is exactly what follows the header, and that
     * the fd count is what arrived. It does not check the version (the daemon negotiates it) nor the type. The buffer's position and byte order are unchanged.
     *
     * @param receivedFds how many fds arrived with the frame
     * @throws ProtocolException EPROTO for a malformed header, EMSGSIZE for a frame over {@link Limits#MAX_FRAME}
     * @throws IllegalArgumentException if {@code receivedFds} is negative or above 253
     */
    public static FrameHeader read(ByteBuffer frame, int receivedFds) throws ProtocolException {
        checkRange("received fds", receivedFds, Limits.MAX_FDS_PER_FRAME);
        int length = frame.remaining();
        if (length < Limits.HEADER_SIZE) {
            throw new ProtocolException(Errno.EPROTO,
                    "frame of " + length + " bytes is shorter than the " + Limits.HEADER_SIZE + "-byte header");
        }
        ByteBuffer b = frame.slice().order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != Limits.MAGIC) {
            throw new ProtocolException(Errno.EPROTO,
                    String.format("frame starts with magic 0x%08x, not 0x%08x (\"FDST\")", magic, Limits.MAGIC));
        }
        int version = Byte.toUnsignedInt(b.get(4));
        int type = Byte.toUnsignedInt(b.get(5));
        int flags = Short.toUnsignedInt(b.getShort(6));
        long requestId = b.getLong(8);
        long bodyLength = Integer.toUnsignedLong(b.getInt(16));
        long fdCount = Integer.toUnsignedLong(b.getInt(20));
        int replyType = type | MessageType.REPLY_BIT;
        if (length > Limits.MAX_FRAME) {
            throw new ProtocolException(Errno.EMSGSIZE, requestId, replyType,
                    frameOf(type) + " of " + length + " bytes exceeds the " + Limits.MAX_FRAME + "-byte limit");
        }
        if ((flags & RESERVED_FLAGS) != 0) {
            throw new ProtocolException(Errno.EPROTO, requestId, replyType,
                    String.format("%s sets reserved flag bits 0x%04x", frameOf(type), flags & RESERVED_FLAGS));
        }
        if ((flags & Limits.FLAG_BARE) != 0 && (type & ~MessageType.REPLY_BIT) != MessageType.RESTORE_MANY.code()) {
            throw new ProtocolException(Errno.EPROTO, requestId, replyType,
                    frameOf(type) + " sets BARE, which only RESTORE_MANY frames may set");
        }
        if (bodyLength != length - Limits.HEADER_SIZE) {
            throw new ProtocolException(Errno.EPROTO, requestId, replyType, frameOf(type) + ": header announces a body of "
                    + bodyLength + " bytes, but " + (length - Limits.HEADER_SIZE) + " follow the header");
        }
        if (fdCount != receivedFds) {
            throw new ProtocolException(Errno.EPROTO, requestId, replyType,
                    frameOf(type) + ": header announces " + fdCount + " fds, but " + receivedFds + " arrived");
        }
        return new FrameHeader(version, type, flags, requestId, (int) bodyLength, (int) fdCount);
    }

    /**
     * Writes this header, magic first, at {@code out}'s position and advances it by 24. The buffer's byte order is
     * unchanged.
     *
     * @throws java.nio.BufferOverflowException if fewer than 24 bytes remain; nothing is written then
     * @throws java.nio.ReadOnlyBufferException if {@code out} is read-only
     */
    public void write(ByteBuffer out) {
        if (out.remaining() < Limits.HEADER_SIZE) throw new java.nio.BufferOverflowException();
        ByteBuffer b = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(Limits.MAGIC)
                .put((byte) version)
                .put((byte) type)
                .putShort((short) flags)
                .putLong(requestId)
                .putInt(bodyLength)
                .putInt(fdCount);
        out.position(out.position() + Limits.HEADER_SIZE);
    }

    /** Whether {@link Limits#FLAG_CONTINUES} is set: more frames of this reply follow. */
    public boolean continues() {
        return (flags & Limits.FLAG_CONTINUES) != 0;
    }

    /** Whether {@link Limits#FLAG_BARE} is set: a RESTORE_MANY of bare entries. */
    public boolean bare() {
        return (flags & Limits.FLAG_BARE) != 0;
    }

    /** {@code "SAVE"}, {@code "SAVE reply"}, {@code "error reply"} or {@code "type 0x42"}, for messages. */
    static String describeType(int type) {
        if (type == Limits.ERROR_REPLY_TYPE) return "error reply";
        var known = MessageType.ofCode(type & ~MessageType.REPLY_BIT);
        if (known.isEmpty()) return String.format("type 0x%02x", type);
        return (type & MessageType.REPLY_BIT) != 0 ? known.get() + " reply" : known.get().name();
    }

    /** {@code "SAVE frame"}, for messages: made only when one is, not for every frame read. */
    private static String frameOf(int type) {
        return describeType(type) + " frame";
    }

    private static void checkRange(String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(field + " " + value + " is outside 0.." + max);
        }
    }
}

package org.fdstore.fuse.wire;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct fuse_in_header} of include/uapi/linux/fuse.h (protocol 7.45): 40 bytes at the start of every
 * request.
 *
 * <p>Internal: not API. Immutable and thread safe.
 *
 * @param totalExtlen length of the request extensions at the end of the message, in 8-byte units (7.38+)
 */
public record InHeader(int len, int opcode, long unique, long nodeId, int uid, int gid, int pid, int totalExtlen) {
    /** {@code sizeof(struct fuse_in_header)}. */
    public static final int SIZE = 40;

    /** Reads the header at the start of {@code message}, which must hold at least {@link #SIZE} bytes. */
    public static InHeader read(MemorySegment message) {
        return new InHeader(
                message.get(JAVA_INT_UNALIGNED, 0),                             // len
                message.get(JAVA_INT_UNALIGNED, 4),                             // opcode
                message.get(JAVA_LONG_UNALIGNED, 8),                            // unique
                message.get(JAVA_LONG_UNALIGNED, 16),                           // nodeid
                message.get(JAVA_INT_UNALIGNED, 24),                            // uid
                message.get(JAVA_INT_UNALIGNED, 28),                            // gid
                message.get(JAVA_INT_UNALIGNED, 32),                            // pid
                Short.toUnsignedInt(message.get(JAVA_SHORT_UNALIGNED, 36)));    // total_extlen; padding@38
    }
}

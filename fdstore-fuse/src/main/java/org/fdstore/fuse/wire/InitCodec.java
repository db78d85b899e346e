package org.fdstore.fuse.wire;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import org.fdstore.fuse.InitFlags;
import org.fdstore.fuse.InitResult;

/**
 * Encodes the INIT reply, {@code struct fuse_init_out} of include/uapi/linux/fuse.h (7.45): 64 bytes, accepted by
 * every kernel from protocol 7.23 on.
 *
 * <p>Internal: not API. Stateless and thread safe.
 */
public final class InitCodec {
    /** {@code sizeof(struct fuse_init_out)}. */
    public static final int INIT_OUT_SIZE = 64;

    private InitCodec() {}

    /** The reply that concludes INIT as {@code agreed}; returns its length. */
    public static int encode(long unique, InitResult agreed, MemorySegment out) {
        int o = StructWriter.OUT_HEADER_SIZE;
        out.asSlice(o, INIT_OUT_SIZE).fill((byte) 0);
        long flags = agreed.flags();
        out.set(JAVA_INT_UNALIGNED, o, agreed.major());                             // major
        out.set(JAVA_INT_UNALIGNED, o + 4, agreed.minor());                         // minor
        out.set(JAVA_INT_UNALIGNED, o + 8, agreed.maxReadahead());                  // max_readahead
        out.set(JAVA_INT_UNALIGNED, o + 12, (int) flags);                           // flags: bits 0-31
        out.set(JAVA_SHORT_UNALIGNED, o + 16, (short) agreed.maxBackground());      // max_background
        out.set(JAVA_SHORT_UNALIGNED, o + 18, (short) agreed.congestionThreshold()); // congestion_threshold
        out.set(JAVA_INT_UNALIGNED, o + 20, agreed.maxWrite());                     // max_write
        out.set(JAVA_INT_UNALIGNED, o + 24, agreed.timeGran());                     // time_gran
        out.set(JAVA_SHORT_UNALIGNED, o + 28, (short) agreed.maxPages());           // max_pages
        // map_alignment@30 stays 0 (no DAX)
        if ((flags & InitFlags.INIT_EXT) != 0) {
            out.set(JAVA_INT_UNALIGNED, o + 32, (int) (flags >>> 32));              // flags2: bits 32-63
        }
        out.set(JAVA_INT_UNALIGNED, o + 36, agreed.maxStackDepth());                // max_stack_depth
        // request_timeout@40 stays 0 (REQUEST_TIMEOUT is not asked for); unused[11]@42
        int length = StructWriter.OUT_HEADER_SIZE + INIT_OUT_SIZE;
        StructWriter.outHeader(out, length, 0, unique);
        return length;
    }

    /**
     * The answer to an INIT with a major version above ours: only our major and minor, after which the kernel
     * sends a second INIT with a matching major (see "Version negotiation" in fuse.h).
     */
    public static int encodeVersionOnly(long unique, int major, int minor, MemorySegment out) {
        int o = StructWriter.OUT_HEADER_SIZE;
        out.asSlice(o, INIT_OUT_SIZE).fill((byte) 0);
        out.set(JAVA_INT_UNALIGNED, o, major);
        out.set(JAVA_INT_UNALIGNED, o + 4, minor);
        int length = StructWriter.OUT_HEADER_SIZE + INIT_OUT_SIZE;
        StructWriter.outHeader(out, length, 0, unique);
        return length;
    }
}

package org.fdstore.fuse;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * What a FUSE connection agreed at INIT: the protocol version, the flags, and the limits of the reply sent to the
 * kernel ({@code fuse_init_out}, include/uapi/linux/fuse.h 7.45). Request decoders take it as input, so handlers
 * never test versions.
 *
 * <p>The kernel sends INIT once per connection. A successor that takes the connection over (same /dev/fuse open
 * file) must serve it exactly as agreed, so this record round-trips through {@link #toBytes()} and
 * {@link #fromBytes(byte[])} to be kept next to the device fd. The format is versioned: magic {@code "FINT"}, a u16
 * format version, a u16 body length, then the fields big-endian in declaration order.
 *
 * <p>Immutable and thread safe.
 *
 * @param major         protocol major version (7)
 * @param minor         agreed minor version: the lower of the kernel's and ours (45)
 * @param kernelMinor   the minor version the kernel offered
 * @param offeredFlags  the {@link InitFlags} the kernel offered
 * @param flags         the {@link InitFlags} agreed: offered and wanted
 * @param maxReadahead  the readahead limit sent back, in bytes
 * @param maxWrite      the largest WRITE payload the kernel will send
 * @param maxPages      the page limit of one request (0 when MAX_PAGES was not agreed)
 * @param timeGran      timestamp granularity in nanoseconds
 * @param maxBackground limit of pending background requests (0: the kernel's default)
 * @param congestionThreshold background requests that mark the connection congested (0: the kernel's default)
 * @param maxStackDepth filesystem stacking depth for passthrough (0 without PASSTHROUGH)
 */
public record InitResult(int major, int minor, int kernelMinor, long offeredFlags, long flags,
                         int maxReadahead, int maxWrite, int maxPages, int timeGran,
                         int maxBackground, int congestionThreshold, int maxStackDepth) {
    /** The serialised format this build writes. */
    public static final int FORMAT = 1;
    /** The smallest read buffer /dev/fuse accepts (FUSE_MIN_READ_BUFFER). */
    public static final int MIN_READ_BUFFER = 8192;

    private static final int MAGIC = 0x46494e54; // "FINT"
    private static final int HEADER = 8;
    private static final int BODY_V1 = 56;

    public InitResult {
        if (major != 7) throw new IllegalArgumentException("FUSE major version must be 7, got " + major);
        if (minor < 0 || kernelMinor < minor) {
            throw new IllegalArgumentException("minor " + minor + " must be <= kernel minor " + kernelMinor);
        }
        if ((flags & ~offeredFlags) != 0) {
            throw new IllegalArgumentException("agreed flags " + InitFlags.describe(flags & ~offeredFlags)
                    + " were not offered");
        }
        if (maxWrite < 4096) throw new IllegalArgumentException("maxWrite must be >= 4096, got " + maxWrite);
    }

    /** Whether every bit of {@code flag} was agreed. */
    public boolean has(long flag) {
        return (flags & flag) == flag;
    }

    /** The read buffer one reader needs: the largest WRITE plus headers, at least {@link #MIN_READ_BUFFER}. */
    public int readBufferSize() {
        return Math.max(MIN_READ_BUFFER, maxWrite + 4096);
    }

    /** The versioned bytes of this result. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + BODY_V1);
        b.putInt(MAGIC).putShort((short) FORMAT).putShort((short) BODY_V1);
        b.putInt(major).putInt(minor).putInt(kernelMinor).putLong(offeredFlags).putLong(flags);
        b.putInt(maxReadahead).putInt(maxWrite).putInt(maxPages).putInt(timeGran);
        b.putInt(maxBackground).putInt(congestionThreshold).putInt(maxStackDepth);
        return b.array();
    }

    /**
     * Reads bytes written by {@link #toBytes()} of this or an older build.
     *
     * @throws IllegalArgumentException if they are not an InitResult, are truncated, or come from a newer format
     */
    public static InitResult fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            if (b.getInt() != MAGIC) throw new IllegalArgumentException("not a serialised InitResult (bad magic)");
            int format = Short.toUnsignedInt(b.getShort());
            int body = Short.toUnsignedInt(b.getShort());
            if (format > FORMAT) {
                throw new IllegalArgumentException("InitResult format " + format + " is newer than this build's "
                        + FORMAT + ": refusing to guess its meaning");
            }
            if (format != FORMAT || body != BODY_V1 || bytes.length != HEADER + body) {
                throw new IllegalArgumentException("InitResult format " + format + " with " + body
                        + " body bytes in " + bytes.length + " bytes: expected format 1 with " + BODY_V1);
            }
            return new InitResult(b.getInt(), b.getInt(), b.getInt(), b.getLong(), b.getLong(),
                    b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt());
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("serialised InitResult truncated at " + bytes.length + " bytes", e);
        }
    }

    @Override
    public String toString() {
        return "InitResult[version=" + major + "." + minor + " kernel_minor=" + kernelMinor
                + " flags=" + InitFlags.describe(flags) + " max_write=" + maxWrite + " max_pages=" + maxPages
                + " max_readahead=" + maxReadahead + " time_gran=" + timeGran + " max_background=" + maxBackground
                + " congestion_threshold=" + congestionThreshold + " max_stack_depth=" + maxStackDepth + "]";
    }
}

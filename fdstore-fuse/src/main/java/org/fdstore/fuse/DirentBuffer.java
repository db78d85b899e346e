package org.fdstore.fuse;

import java.lang.foreign.MemorySegment;
import org.fdstore.fuse.wire.StructWriter;

/**
 * The entries of one READDIR or READDIRPLUS reply: {@code fuse_dirent} or {@code fuse_direntplus} records (protocol
 * 7.45), each padded to 8 bytes, never more than the request's {@code size}.
 *
 * <p>Each entry carries the cookie of the entry after it ({@code nextOffset}); the kernel sends it back as the next
 * request's offset, so it must let the filesystem resume there. Offset 0 means "from the start", so no entry may
 * have 0 as its next offset. An empty buffer means end of directory.
 *
 * <p>For READDIRPLUS, an entry added with a {@link FuseEntry} whose node id is non-zero counts as a lookup, exactly
 * like a LOOKUP reply: count it only when {@code add} returned true.
 *
 * <p>Not thread safe: one handler fills it. It holds heap memory only.
 */
public final class DirentBuffer {
    private final boolean plus;
    private final byte[] bytes;
    private final MemorySegment segment;
    private int used;
    private int count;

    private DirentBuffer(boolean plus, int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        this.plus = plus;
        this.bytes = new byte[capacity];
        this.segment = MemorySegment.ofArray(bytes);
    }

    /** A buffer of {@code fuse_dirent}s sized for {@code request}. */
    public static DirentBuffer of(FuseRequest.Readdir request) {
        return new DirentBuffer(false, request.size());
    }

    /** A buffer of {@code fuse_direntplus}es sized for {@code request}. */
    public static DirentBuffer of(FuseRequest.Readdirplus request) {
        return new DirentBuffer(true, request.size());
    }

    /**
     * Adds {@code name} for inode {@code ino} of type {@code mode & S_IFMT}. In a READDIRPLUS buffer the entry goes
     * without attributes (node id 0), as is right for "." and "..". Returns false, adding nothing, when it does not
     * fit.
     *
     * @throws IllegalArgumentException if the name is empty, longer than 1024 bytes or holds '/' or NUL
     */
    public boolean add(byte[] name, long ino, int mode, long nextOffset) {
        checkName(name);
        int type = (mode >>> 12) & 0xf;
        if (!plus) {
            long size = StructWriter.align8(StructWriter.DIRENT_NAME_OFFSET + name.length);
            if (used + size > bytes.length) return false;
            used += (int) StructWriter.dirent(segment, used, ino, nextOffset, type, name);
            count++;
            return true;
        }
        long size = StructWriter.align8(StructWriter.DIRENTPLUS_NAME_OFFSET + name.length);
        if (used + size > bytes.length) return false;
        segment.asSlice(used, StructWriter.ENTRY_OUT_SIZE).fill((byte) 0);
        used += StructWriter.ENTRY_OUT_SIZE;
        used += (int) StructWriter.dirent(segment, used, ino, nextOffset, type, name);
        count++;
        return true;
    }

    /**
     * Adds {@code name} with its entry (READDIRPLUS only). Returns false, adding nothing, when it does not fit.
     *
     * @throws IllegalStateException in a READDIR buffer
     * @throws IllegalArgumentException for a bad name, as {@link #add(byte[], long, int, long)}
     */
    public boolean add(byte[] name, FuseEntry entry, long nextOffset) {
        if (!plus) throw new IllegalStateException("a READDIR reply has no entries with attributes");
        checkName(name);
        long size = StructWriter.align8(StructWriter.DIRENTPLUS_NAME_OFFSET + name.length);
        if (used + size > bytes.length) return false;
        StructWriter.entryOut(segment, used, entry);
        used += StructWriter.ENTRY_OUT_SIZE;
        int type = (entry.attr().mode() >>> 12) & 0xf;
        used += (int) StructWriter.dirent(segment, used, entry.attr().ino(), nextOffset, type, name);
        count++;
        return true;
    }

    /** Whether this buffer answers READDIRPLUS. */
    public boolean isPlus() {
        return plus;
    }

    /** The bytes filled so far. */
    public int size() {
        return used;
    }

    /** The number of entries added. */
    public int count() {
        return count;
    }

    /** The request's size: the most bytes this buffer will hold. */
    public int capacity() {
        return bytes.length;
    }

    /** A read-only view of the filled bytes. */
    public MemorySegment contents() {
        return segment.asSlice(0, used).asReadOnly();
    }

    private static void checkName(byte[] name) {
        if (name.length == 0 || name.length > StructWriter.NAME_MAX) {
            throw new IllegalArgumentException("a directory entry name has 1 to 1024 bytes, got " + name.length);
        }
        for (byte b : name) {
            if (b == '/' || b == 0) throw new IllegalArgumentException("a directory entry name holds '/' or NUL");
        }
    }
}

package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading directories with getdents64(2), called as {@code syscall(217, ...)} (glibc's own wrapper exists only since
 * 2.30 and adds nothing).
 * Entries are {@code struct linux_dirent64}: d_ino u64 @0, d_off s64 @8, d_reclen u16 @16, d_type u8 @18, d_name
 * NUL-terminated @19, each record padded to 8 bytes.
 *
 * <p>The directory fd must be open for reading (O_RDONLY|O_DIRECTORY; an O_PATH fd gives EBADF) and has one
 * position, shared by every holder of its open file description: give each concurrent listing its own fd. To resume
 * a listing after an entry, as a FUSE READDIR at an offset must, lseek the fd to that entry's {@link Dirent#off()}
 * with {@link #seek}; offset 0 restarts it.
 *
 * <p>Thread safe as far as the kernel is; buffers must be native memory. The caller keeps ownership of the fd.
 */
public final class Dirents {
    /** d_type: the file system does not say; use fstatat. */
    public static final int DT_UNKNOWN = 0;
    /** d_type: a FIFO. */
    public static final int DT_FIFO = 1;
    /** d_type: a character device. */
    public static final int DT_CHR = 2;
    /** d_type: a directory. */
    public static final int DT_DIR = 4;
    /** d_type: a block device. */
    public static final int DT_BLK = 6;
    /** d_type: a regular file. */
    public static final int DT_REG = 8;
    /** d_type: a symbolic link. */
    public static final int DT_LNK = 10;
    /** d_type: a socket. */
    public static final int DT_SOCK = 12;
    /** d_type: a whiteout. */
    public static final int DT_WHT = 14;

    private static final int NAME_OFFSET = 19;

    private Dirents() {}

    /**
     * getdents64(2): fills {@code buffer} with as many whole entries as fit and advances the fd's position past
     * them.
     *
     * @return the bytes filled, 0 at the end of the directory
     * @throws LinuxException EINVAL if the buffer cannot hold the next entry, ENOTDIR, EBADF on an O_PATH fd,
     *                        ENOENT if the directory was removed
     */
    public static long getdents64(Fd dir, MemorySegment buffer) throws LinuxException {
        int n = dir.acquire();
        try {
            long count = Math.min(buffer.byteSize(), Integer.MAX_VALUE);
            long r = Syscall.call(Syscall.GETDENTS64, n, Syscall.address(buffer), count, 0L);
            if (r < 0) throw Calls.fail("getdents64(fd " + n + ")");
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            dir.release();
        }
    }

    /**
     * The entries of one getdents64 call: {@link #getdents64} then {@link #decode}. "." and ".." are included, as
     * the kernel gives them.
     *
     * @return the entries, empty at the end of the directory
     */
    public static List<Dirent> read(Fd dir, MemorySegment buffer) throws LinuxException {
        return decode(buffer, getdents64(dir, buffer));
    }

    /**
     * Decodes the first {@code length} bytes of {@code buffer} as filled by getdents64.
     *
     * @throws IllegalArgumentException if a record length is impossible (not the kernel's output)
     */
    public static List<Dirent> decode(MemorySegment buffer, long length) {
        List<Dirent> entries = new ArrayList<>();
        long at = 0;
        while (at < length) {
            int reclen = Short.toUnsignedInt(buffer.get(JAVA_SHORT_UNALIGNED, at + 16));
            if (reclen <= NAME_OFFSET || at + reclen > length) {
                throw new IllegalArgumentException("bad d_reclen " + reclen + " at byte " + at + " of " + length);
            }
            long nameEnd = at + NAME_OFFSET;
            while (nameEnd < at + reclen && buffer.get(JAVA_BYTE, nameEnd) != 0) nameEnd++;
            entries.add(new Dirent(
                    buffer.get(JAVA_LONG_UNALIGNED, at),                  // d_ino
                    buffer.get(JAVA_LONG_UNALIGNED, at + 8),              // d_off
                    Byte.toUnsignedInt(buffer.get(JAVA_BYTE, at + 18)),   // d_type
                    buffer.asSlice(at + NAME_OFFSET, nameEnd - at - NAME_OFFSET).toArray(JAVA_BYTE)));
            at += reclen;
        }
        return entries;
    }

    /** lseek(2) of a directory fd to {@code off}, a {@link Dirent#off()} or 0, to resume a listing there. */
    public static void seek(Fd dir, long off) throws LinuxException {
        Unistd.lseek(dir, off, Unistd.SEEK_SET);
    }
}

package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to {@code <sys/statfs.h>}: statfs and fstatfs, with the x86_64 layout of {@code struct statfs}
 * (120 bytes: eleven 8-byte fields, f_fsid being two ints, then four spare longs).
 *
 * <p>Thread safe. The caller keeps ownership of every {@code Fd} passed in. Failures throw {@link LinuxException}
 * naming the call, its object and the errno.
 */
public final class Statfs {
    /** f_type of tmpfs. */
    public static final long TMPFS_MAGIC = 0x01021994L;
    /** f_type of ext2, ext3 and ext4. */
    public static final long EXT4_SUPER_MAGIC = 0xef53L;
    /** f_type of overlayfs. */
    public static final long OVERLAYFS_SUPER_MAGIC = 0x794c7630L;
    /** f_type of a FUSE file system. */
    public static final long FUSE_SUPER_MAGIC = 0x65735546L;
    /** f_flags: mounted read-only. */
    public static final long ST_RDONLY = 1;
    /** f_flags: set-user-ID and set-group-ID bits are ignored. */
    public static final long ST_NOSUID = 2;
    /** f_flags: device files are not opened. */
    public static final long ST_NODEV = 4;
    /** f_flags: programs are not executed. */
    public static final long ST_NOEXEC = 8;

    private static final long STRUCT_SIZE = 120;
    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class statfs {
        static final MethodHandle HANDLE = Libc.downcall("statfs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }
    private static final class fstatfs {
        static final MethodHandle HANDLE = Libc.downcall("fstatfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private Statfs() {}

    /**
     * fstatfs(2): the file system holding the file open as {@code fd}. Works on O_PATH fds.
     *
     * @throws LinuxException EBADF if {@code fd} is closed, ENOSYS where the file system does not report
     */
    public static FsStats fstatfs(Fd fd) throws LinuxException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STRUCT_SIZE, 8);
            int r = (int) fstatfs.HANDLE.invokeExact(Libc.errnoSlot(), n, buf);
            if (r < 0) throw Calls.fail("fstatfs(fd " + n + ")");
            return decode(buf);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * statfs(2): the file system holding {@code path}, which it follows.
     *
     * @throws LinuxException ENOENT, EACCES, ENOTDIR...
     */
    public static FsStats statfs(byte[] path) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STRUCT_SIZE, 8);
            int r = (int) statfs.HANDLE.invokeExact(Libc.errnoSlot(), CString.allocate(arena, path, "statfs"), buf);
            if (r < 0) throw Calls.fail("statfs(" + CString.quote(path) + ")");
            return decode(buf);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    private static FsStats decode(MemorySegment buf) {
        return new FsStats(
                buf.get(JAVA_LONG, 0),      // f_type
                buf.get(JAVA_LONG, 8),      // f_bsize
                buf.get(JAVA_LONG, 16),     // f_blocks
                buf.get(JAVA_LONG, 24),     // f_bfree
                buf.get(JAVA_LONG, 32),     // f_bavail
                buf.get(JAVA_LONG, 40),     // f_files
                buf.get(JAVA_LONG, 48),     // f_ffree
                buf.get(JAVA_LONG, 56),     // f_fsid: int val[2], read as one little-endian long
                buf.get(JAVA_LONG, 64),     // f_namelen
                buf.get(JAVA_LONG, 72),     // f_frsize
                buf.get(JAVA_LONG, 80));    // f_flags (f_spare[4] follows, to 120)
    }
}

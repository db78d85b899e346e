package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to {@code <sys/stat.h>}: fstat, statx (from the cache), fstatat, mkdirat, mknodat, fchmod, fchmodat,
 * utimensat and futimens, with the x86_64 layouts of {@code struct stat} (144 bytes) and {@code struct statx}
 * (256 bytes).
 *
 * <p>Names are raw bytes and a {@code null} directory means AT_FDCWD, as described in {@link Fcntl}. The caller
 * keeps ownership of every {@code Fd} passed in. Thread safe. Failures throw {@link LinuxException} naming the
 * call, its object and the errno.
 */
public final class Stat {
    /** Mask of the file type bits of st_mode. */
    public static final int S_IFMT = 0170000;
    /** File type: socket. */
    public static final int S_IFSOCK = 0140000;
    /** File type: symbolic link. */
    public static final int S_IFLNK = 0120000;
    /** File type: regular file. */
    public static final int S_IFREG = 0100000;
    /** File type: block device. */
    public static final int S_IFBLK = 0060000;
    /** File type: directory. */
    public static final int S_IFDIR = 0040000;
    /** File type: character device. */
    public static final int S_IFCHR = 0020000;
    /** File type: FIFO. */
    public static final int S_IFIFO = 0010000;
    /** utimensat: a tv_nsec meaning "set to the current time". */
    public static final long UTIME_NOW = (1L << 30) - 1;
    /** utimensat: a tv_nsec meaning "leave unchanged". */
    public static final long UTIME_OMIT = (1L << 30) - 2;

    private static final long STRUCT_SIZE = 144;
    private static final long STATX_SIZE = 256;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int AT_STATX_DONT_SYNC = 0x4000;
    /** STATX_BASIC_STATS: the fields of struct stat. */
    private static final int STATX_BASIC_STATS = 0x7ff;
    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class umask {
        static final MethodHandle HANDLE = Libc.downcall("umask", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class fstat {
        static final MethodHandle HANDLE = Libc.downcall("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class statx {
        static final MethodHandle HANDLE = Libc.downcall("statx",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class mkdirat {
        static final MethodHandle HANDLE =
                Libc.downcall("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class mknodat {
        static final MethodHandle HANDLE =
                Libc.downcall("mknodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    }
    private static final class fchmod {
        static final MethodHandle HANDLE = Libc.downcall("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class fchmodat {
        static final MethodHandle HANDLE =
                Libc.downcall("fchmodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }
    private static final class utimensat {
        static final MethodHandle HANDLE =
                Libc.downcall("utimensat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }
    private static final class futimens {
        static final MethodHandle HANDLE =
                Libc.downcall("futimens", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private Stat() {}

    /**
     * fstat(2). Works on O_PATH fds.
     *
     * @throws LinuxException EBADF if {@code fd} is closed
     */
    public static FileStat fstat(Fd fd) throws LinuxException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(STRUCT_SIZE, 8);
            int r = (int) fstat.HANDLE.invokeExact(Libc.errnoSlot(), n, st);
            if (r < 0) throw Calls.fail("fstat(fd " + n + ")");
            return decode(st);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * The attributes of {@code fd} as the kernel holds them, without asking the file system to refresh them:
     * statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC). A FUSE file gets no GETATTR (a network file system no
     * revalidation), so the call never waits for a server that does not answer. Type, device, inode and rdev are
     * exact; size and times may be stale. Works on O_PATH fds.
     *
     * @throws LinuxException EBADF if {@code fd} is closed; EACCES for a file of a FUSE mount without allow_other
     *     whose owner is not the caller (see {@link #deviceOf})
     */
    public static FileStat fstatNoSync(Fd fd) throws LinuxException {
        return statxOf(fd, STATX_BASIC_STATS);
    }

    /**
     * The device of the file system that holds {@code fd}, without asking it anything: statx with an empty mask,
     * which even a FUSE mount that refuses the caller's fstat (EACCES) answers.
     *
     * @throws LinuxException EBADF if {@code fd} is closed
     */
    public static long deviceOf(Fd fd) throws LinuxException {
        return statxOf(fd, 0).dev();
    }

    private static FileStat statxOf(Fd fd, int mask) throws LinuxException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stx = arena.allocate(STATX_SIZE, 8);
            int r = (int) statx.HANDLE.invokeExact(Libc.errnoSlot(), n, arena.allocateFrom(""),
                    AT_EMPTY_PATH | AT_STATX_DONT_SYNC, mask, stx);
            if (r < 0) throw Calls.fail("statx(fd " + n + ", AT_STATX_DONT_SYNC)");
            return decodeStatx(stx);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * fstatat(2) of {@code name} relative to {@code dir}. With AT_SYMLINK_NOFOLLOW a symbolic link is reported
     * itself; with AT_EMPTY_PATH and an empty name, {@code dir} itself is reported, whatever its type (the way to
     * stat an O_PATH fd of a symbolic link).
     *
     * @throws LinuxException ENOENT, ENOTDIR, ELOOP...; EINVAL for a name holding NUL
     */
    public static FileStat fstatat(Fd dir, byte[] name, int flags) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(STRUCT_SIZE, 8);
            // newfstatat through syscall(2): a client checking its socket's directory links no signature of its own.
            long r = Syscall.call(Syscall.NEWFSTATAT, d, Syscall.address(CString.allocate(arena, name, "fstatat")),
                    Syscall.address(st), flags);
            if (r < 0) throw Calls.fail("fstatat(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ")");
            return decode(st);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /** {@link #fstatat(Fd, byte[], int)} with a UTF-8 name. */
    public static FileStat fstatat(Fd dir, String name, int flags) throws LinuxException {
        return fstatat(dir, CString.bytes(name), flags);
    }

    /**
     * umask(2): sets the process-wide file creation mask and returns the previous one. A passthrough server sets 0,
     * because the kernel has already applied the caller's umask to the modes it sends.
     */
    public static int umask(int mask) {
        try {
            return (int) umask.HANDLE.invokeExact(Libc.errnoSlot(), mask);
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }

    /**
     * mkdirat(2): creates directory {@code name} in {@code dir} with {@code mode} less the umask.
     *
     * @throws LinuxException EEXIST, ENOENT, EACCES, ENOSPC...
     */
    public static void mkdirat(Fd dir, byte[] name, int mode) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) mkdirat.HANDLE.invokeExact(Libc.errnoSlot(), d, CString.allocate(arena, name, "mkdirat"),
                    mode);
            if (r < 0) throw Calls.fail("mkdirat(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /**
     * mknodat(2): creates a regular file, FIFO, socket or (with CAP_MKNOD) device node {@code name} in {@code dir};
     * {@code mode} holds the S_IF* type and the permissions, {@code dev} the device number ({@link #makedev}).
     *
     * @throws LinuxException EEXIST, EPERM for a device without CAP_MKNOD, EINVAL for a directory type...
     */
    public static void mknodat(Fd dir, byte[] name, int mode, long dev) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) mknodat.HANDLE.invokeExact(Libc.errnoSlot(), d, CString.allocate(arena, name, "mknodat"),
                    mode, dev);
            if (r < 0) throw Calls.fail("mknodat(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ", 0"
                    + Integer.toOctalString(mode) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /** A device number from its major and minor numbers, as glibc's makedev(3); the inverse of FileStat's. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffL) << 8) | ((ma & ~0xfffL) << 32) | (mi & 0xffL) | ((mi & ~0xffL) << 12);
    }

    /**
     * fchmod(2). Fails with EBADF on an O_PATH fd: use {@link #chmodProcSelfFd} for those.
     *
     * @throws LinuxException EBADF, EPERM if not the owner
     */
    public static void fchmod(Fd fd, int mode) throws LinuxException {
        int n = fd.acquire();
        try {
            int r = (int) fchmod.HANDLE.invokeExact(Libc.errnoSlot(), n, mode);
            if (r < 0) throw Calls.fail("fchmod(fd " + n + ", 0" + Integer.toOctalString(mode) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * fchmodat(2) of {@code name} relative to {@code dir}. {@code flags} may be 0 or AT_SYMLINK_NOFOLLOW, which
     * fails with EOPNOTSUPP on a symbolic link (Linux has no symlink modes); AT_EMPTY_PATH is not accepted (EINVAL)
     * by this C library.
     *
     * @throws LinuxException ENOENT, EPERM, EOPNOTSUPP, EINVAL...
     */
    public static void fchmodat(Fd dir, byte[] name, int mode, int flags) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) fchmodat.HANDLE.invokeExact(Libc.errnoSlot(), d, CString.allocate(arena, name, "fchmodat"),
                    mode, flags);
            if (r < 0) throw Calls.fail("fchmodat(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ", 0"
                    + Integer.toOctalString(mode) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /**
     * chmod(2) of {@code /proc/self/fd/N}: changes the mode of the inode behind any fd, an O_PATH fd included,
     * which fchmod refuses. This is how libfuse's passthrough_hp does SETATTR mode. The fd is held for the whole
     * call, so its number cannot be reused under it. On an fd of a symbolic link the magic link is followed to the
     * link's own inode, which fails with EOPNOTSUPP.
     *
     * @throws LinuxException EPERM if not the owner, EBADF if {@code fd} is closed
     */
    public static void chmodProcSelfFd(Fd fd, int mode) throws LinuxException {
        Proc.withFdPath(fd, path -> {
            fchmodat(null, path, mode, 0);
            return null;
        });
    }

    /**
     * utimensat(2): sets the access and modification times of {@code name} relative to {@code dir}.
     * {@code times} is null (both to now) or {atime, mtime}, each of which may be {@link Timespec#NOW} or
     * {@link Timespec#OMIT}. With AT_EMPTY_PATH and an empty name it applies to {@code dir} itself, O_PATH fds
     * included; AT_SYMLINK_NOFOLLOW sets a symbolic link's own times.
     *
     * @throws LinuxException ENOENT, EPERM, EACCES, EINVAL for a nanosecond value out of range...
     * @throws IllegalArgumentException if {@code times} is not null and not of length 2
     */
    public static void utimensat(Fd dir, byte[] name, Timespec[] times, int flags) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) utimensat.HANDLE.invokeExact(Libc.errnoSlot(), d, CString.allocate(arena, name, "utimensat"),
                    timespecs(arena, times), flags);
            if (r < 0) throw Calls.fail("utimensat(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /**
     * futimens(3): sets the times of the file open as {@code fd}; {@code times} as for {@link #utimensat}. Fails
     * with EBADF on an O_PATH fd: use utimensat with AT_EMPTY_PATH for those.
     *
     * @throws LinuxException EBADF, EPERM, EACCES, EINVAL
     */
    public static void futimens(Fd fd, Timespec[] times) throws LinuxException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) futimens.HANDLE.invokeExact(Libc.errnoSlot(), n, timespecs(arena, times));
            if (r < 0) throw Calls.fail("futimens(fd " + n + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    private static MemorySegment timespecs(Arena arena, Timespec[] times) {
        if (times == null) return MemorySegment.NULL;
        if (times.length != 2) throw new IllegalArgumentException("times holds {atime, mtime}, got " + times.length);
        MemorySegment ts = arena.allocate(32, 8);
        for (int i = 0; i < 2; i++) {
            ts.set(JAVA_LONG, 16L * i, times[i].sec());
            ts.set(JAVA_LONG, 16L * i + 8, times[i].nsec());
        }
        return ts;
    }

    private static FileStat decode(MemorySegment st) {
        return new FileStat(
                st.get(JAVA_LONG, 0),       // st_dev
                st.get(JAVA_LONG, 8),       // st_ino
                st.get(JAVA_LONG, 16),      // st_nlink
                st.get(JAVA_INT, 24),       // st_mode
                st.get(JAVA_INT, 28),       // st_uid
                st.get(JAVA_INT, 32),       // st_gid (4 bytes of padding follow)
                st.get(JAVA_LONG, 40),      // st_rdev
                st.get(JAVA_LONG, 48),      // st_size
                st.get(JAVA_LONG, 56),      // st_blksize
                st.get(JAVA_LONG, 64),      // st_blocks
                st.get(JAVA_LONG, 72),      // st_atim.tv_sec
                st.get(JAVA_LONG, 80),      // st_atim.tv_nsec
                st.get(JAVA_LONG, 88),      // st_mtim.tv_sec
                st.get(JAVA_LONG, 96),      // st_mtim.tv_nsec
                st.get(JAVA_LONG, 104),     // st_ctim.tv_sec
                st.get(JAVA_LONG, 112));    // st_ctim.tv_nsec
    }

    private static FileStat decodeStatx(MemorySegment stx) {
        return new FileStat(
                makedev(stx.get(JAVA_INT, 136), stx.get(JAVA_INT, 140)),  // stx_dev_major, stx_dev_minor
                stx.get(JAVA_LONG, 32),                                  // stx_ino
                stx.get(JAVA_INT, 16) & 0xffffffffL,                    // stx_nlink
                stx.get(JAVA_SHORT, 28) & 0xffff,                       // stx_mode
                stx.get(JAVA_INT, 20),                                   // stx_uid
                stx.get(JAVA_INT, 24),                                   // stx_gid
                makedev(stx.get(JAVA_INT, 128), stx.get(JAVA_INT, 132)), // stx_rdev_major, stx_rdev_minor
                stx.get(JAVA_LONG, 40),                                  // stx_size
                stx.get(JAVA_INT, 4) & 0xffffffffL,                     // stx_blksize
                stx.get(JAVA_LONG, 48),                                  // stx_blocks
                stx.get(JAVA_LONG, 64), stx.get(JAVA_INT, 72),           // stx_atime: tv_sec i64, tv_nsec u32
                stx.get(JAVA_LONG, 112), stx.get(JAVA_INT, 120),         // stx_mtime
                stx.get(JAVA_LONG, 96), stx.get(JAVA_INT, 104));         // stx_ctime
    }
}

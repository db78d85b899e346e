package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to {@code <fcntl.h>}: open, openat, fcntl and fallocate, with the flag and AT_* values of x86_64.
 *
 * <p>The *at calls of every class take a directory {@link Fd} (any fd the kernel accepts as dirfd, O_PATH
 * included) and a name of raw bytes; a {@code null} directory means {@link #AT_FDCWD}. A name need not be UTF-8:
 * the bytes reach the kernel unchanged, NUL-terminated, and a name holding a NUL byte fails with EINVAL.
 *
 * <p>Thread safe. Every descriptor opened here is close-on-exec and owned by the caller, who closes it. The caller
 * keeps ownership of every {@code Fd} passed in. Failures throw {@link LinuxException} naming the call, its object
 * and the errno.
 */
public final class Fcntl {
    /** Access mode: read only. */
    public static final int O_RDONLY = 0;
    /** Access mode: write only. */
    public static final int O_WRONLY = 1;
    /** Access mode: read and write. */
    public static final int O_RDWR = 2;
    /** Mask of the access mode bits. */
    public static final int O_ACCMODE = 3;
    /** Create the file if it does not exist, with the given mode. */
    public static final int O_CREAT = 0x40;
    /** With O_CREAT: fail with EEXIST if the name exists. */
    public static final int O_EXCL = 0x80;
    /** Do not make a terminal the controlling terminal. */
    public static final int O_NOCTTY = 0x100;
    /** Truncate a regular file to length 0. */
    public static final int O_TRUNC = 0x200;
    /** Every write goes to the end of the file. */
    public static final int O_APPEND = 0x400;
    /** Non-blocking I/O. */
    public static final int O_NONBLOCK = 0x800;
    /** Set by the kernel on every open of a 64-bit process; shown so listings have no unexplained bits. */
    public static final int O_LARGEFILE = 0x8000;
    /** Fail with ENOTDIR unless the name is a directory. */
    public static final int O_DIRECTORY = 0x10000;
    /** Do not follow a symbolic link in the last component (ELOOP, or with O_PATH the link itself). */
    public static final int O_NOFOLLOW = 0x20000;
    /** Close on exec; every open here adds it. */
    public static final int O_CLOEXEC = 0x80000;
    /** A handle for *at calls and fstat only, on any file type, without permission to read or write it. */
    public static final int O_PATH = 0x200000;
    /** Do not update the access time on reads (owner or CAP_FOWNER only, else EPERM). */
    public static final int O_NOATIME = 0x40000;
    /** Direct I/O, bypassing the page cache. */
    public static final int O_DIRECT = 0x4000;
    /** Writes complete with their data and the metadata needed to read it back. */
    public static final int O_DSYNC = 0x1000;
    /** Writes complete with data and all metadata. */
    public static final int O_SYNC = 0x101000;
    /** An unnamed regular file in the directory given as path (includes O_DIRECTORY); link it in with linkat. */
    public static final int O_TMPFILE = 0x410000;

    /** The dirfd meaning "the current directory"; the bindings take a {@code null} directory {@code Fd} for it. */
    public static final int AT_FDCWD = -100;
    /** Do not follow a symbolic link in the last component. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** unlinkat: remove a directory, as rmdir(2). */
    public static final int AT_REMOVEDIR = 0x200;
    /** faccessat: check with the effective ids instead of the real ones. */
    public static final int AT_EACCESS = 0x200;
    /** linkat: follow a symbolic link in the old name (needed to link /proc/self/fd/N). */
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    /** Do not automount the last component. */
    public static final int AT_NO_AUTOMOUNT = 0x800;
    /** An empty name means the directory fd itself, which may be an O_PATH fd of any file type. */
    public static final int AT_EMPTY_PATH = 0x1000;

    /** fallocate: do not change the file size. */
    public static final int FALLOC_FL_KEEP_SIZE = 0x01;
    /** fallocate: deallocate the range (with FALLOC_FL_KEEP_SIZE). */
    public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    /** fallocate: remove the range and shift what follows down. */
    public static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;
    /** fallocate: zero the range. */
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;
    /** fallocate: insert a hole, shifting what follows up. */
    public static final int FALLOC_FL_INSERT_RANGE = 0x20;

    static final int F_DUPFD_CLOEXEC = 1030;
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    /** The close-on-exec descriptor flag of F_GETFD and F_SETFD. */
    public static final int FD_CLOEXEC = 1;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class openat {
        static final MethodHandle HANDLE = Libc.downcall("openat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(3));
    }
    private static final class fallocate {
        static final MethodHandle HANDLE =
                Libc.downcall("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }
    private static final class fcntl {
        static final MethodHandle HANDLE = Libc.downcall("fcntl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    }

    private Fcntl() {}

    /** open(2) with O_CLOEXEC added; {@code mode} applies when O_CREAT is set. */
    public static Fd open(String path, int flags, int mode) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            // openat(AT_FDCWD), as glibc's open: through syscall(2), the signature a CLI call links anyway.
            int fd = (int) Syscall.call(Syscall.OPENAT, AT_FDCWD, Syscall.address(arena.allocateFrom(path)),
                    flags | O_CLOEXEC, mode);
            if (fd < 0) throw Calls.fail("open(\"" + path + "\", " + OpenFlags.describe(flags) + ")");
            return Fd.adopt(fd);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * openat(2) with O_CLOEXEC added: opens {@code name} relative to {@code dir} ({@code null} for AT_FDCWD).
     * {@code mode} applies with O_CREAT or O_TMPFILE. O_PATH|O_NOFOLLOW on a symbolic link gives an fd of the link
     * itself. The caller closes the returned fd and keeps {@code dir}.
     *
     * @throws LinuxException the errno of openat(2), e.g. ENOENT, EEXIST, ELOOP; EINVAL for a name holding NUL
     */
    public static Fd openat(Fd dir, byte[] name, int flags, int mode) throws LinuxException {
        int d = acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) openat.HANDLE.invokeExact(Libc.errnoSlot(), d, CString.allocate(arena, name, "openat"),
                    flags | O_CLOEXEC, mode);
            if (fd < 0) throw Calls.fail("openat(" + dirName(d) + ", " + CString.quote(name) + ", "
                    + OpenFlags.describe(flags) + ")");
            return Fd.adopt(fd);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            releaseDir(dir);
        }
    }

    /** {@link #openat(Fd, byte[], int, int)} with a UTF-8 name. */
    public static Fd openat(Fd dir, String name, int flags, int mode) throws LinuxException {
        return openat(dir, CString.bytes(name), flags, mode);
    }

    /**
     * fallocate(2): allocates (mode 0) or, per FALLOC_FL_* bits, punches, zeroes, collapses or inserts the byte
     * range {@code [offset, offset + len)} of an fd open for writing.
     *
     * @throws LinuxException EOPNOTSUPP if the file system lacks the mode, EBADF on an O_PATH or read-only fd,
     *                        ENOSPC, EFBIG
     */
    public static void fallocate(Fd fd, int mode, long offset, long len) throws LinuxException {
        int n = fd.acquire();
        try {
            int r = (int) fallocate.HANDLE.invokeExact(Libc.errnoSlot(), n, mode, offset, len);
            if (r < 0) throw Calls.fail("fallocate(fd " + n + ", mode " + mode + ", " + offset + ", " + len + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** fcntl(F_GETFL): the access mode and status flags of the open file description. */
    public static int getFlags(Fd fd) throws LinuxException {
        return fcntl(fd, F_GETFL, 0, "fcntl(fd %d, F_GETFL)");
    }

    /** fcntl(F_SETFL): sets the status flags (O_APPEND, O_NONBLOCK...) of the open file description. */
    public static void setFlags(Fd fd, int flags) throws LinuxException {
        fcntl(fd, F_SETFL, flags, "fcntl(fd %d, F_SETFL)");
    }

    /** fcntl(F_GETFD): the descriptor flags (FD_CLOEXEC = 1). */
    public static int getDescriptorFlags(Fd fd) throws LinuxException {
        return fcntl(fd, F_GETFD, 0, "fcntl(fd %d, F_GETFD)");
    }

    /** fcntl(F_SETFD): sets the descriptor flags; {@link #FD_CLOEXEC} makes an inherited descriptor close-on-exec. */
    public static void setDescriptorFlags(Fd fd, int flags) throws LinuxException {
        fcntl(fd, F_SETFD, flags, "fcntl(fd %d, F_SETFD)");
    }

    /** fcntl(F_DUPFD_CLOEXEC): a new close-on-exec descriptor for the same open file description. */
    static Fd dupCloexec(Fd fd) throws LinuxException {
        return dupCloexecAtLeast(fd, 0);
    }

    /** fcntl(F_DUPFD_CLOEXEC, lowest): as {@link #dupCloexec}, numbered {@code lowest} or above. */
    static Fd dupCloexecAtLeast(Fd fd, int lowest) throws LinuxException {
        return Fd.adopt(fcntl(fd, F_DUPFD_CLOEXEC, lowest, "fcntl(fd %d, F_DUPFD_CLOEXEC, " + lowest + ")"));
    }

    /** The dirfd number for an *at call: AT_FDCWD for null, else acquires {@code dir}; pair with releaseDir. */
    static int acquireDir(Fd dir) throws LinuxException {
        return dir == null ? AT_FDCWD : dir.acquire();
    }

    /** Ends {@link #acquireDir}. */
    static void releaseDir(Fd dir) {
        if (dir != null) dir.release();
    }

    /** {@code AT_FDCWD} or {@code fd N}, for messages. */
    static String dirName(int dirfd) {
        return dirfd == AT_FDCWD ? "AT_FDCWD" : "fd " + dirfd;
    }

    private static int fcntl(Fd fd, int command, int argument, String call) throws LinuxException {
        int n = fd.acquire();
        try {
            int r = (int) fcntl.HANDLE.invokeExact(Libc.errnoSlot(), n, command, argument);
            if (r < 0) throw Calls.fail(call.formatted(n));
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }
}

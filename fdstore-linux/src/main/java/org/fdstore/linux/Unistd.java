package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to {@code <unistd.h>}: read, write, pread, pwrite, lseek, truncate, fsync, the *at calls on names
 * (unlinkat, linkat, symlinkat, readlinkat, fchownat, faccessat), copy_file_range, close and the process ids.
 *
 * <p>Names are raw bytes and a {@code null} directory means AT_FDCWD, as described in {@link Fcntl}. Buffers must be
 * native memory segments; a count larger than the buffer is cut to its size. The caller keeps ownership of every
 * {@code Fd} passed in. Thread safe. Failures throw {@link LinuxException} naming the call, its object and the
 * errno.
 */
public final class Unistd {
    /** lseek whence: from the start of the file. */
    public static final int SEEK_SET = 0;
    /** lseek whence: from the current offset. */
    public static final int SEEK_CUR = 1;
    /** lseek whence: from the end of the file. */
    public static final int SEEK_END = 2;
    /** lseek whence: to the next byte of data at or after the offset (ENXIO past the last data). */
    public static final int SEEK_DATA = 3;
    /** lseek whence: to the next hole at or after the offset (the end of the file counts as a hole). */
    public static final int SEEK_HOLE = 4;
    /** faccessat mode: the file exists. */
    public static final int F_OK = 0;
    /** faccessat mode: executable or searchable. */
    public static final int X_OK = 1;
    /** faccessat mode: writable. */
    public static final int W_OK = 2;
    /** faccessat mode: readable. */
    public static final int R_OK = 4;
    /** The longest symbolic link target readlinkat reads: past it EOVERFLOW, not a silently cut name. */
    private static final int MAX_LINK = 1 << 20;

    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class dup2 {
        static final MethodHandle HANDLE = Libc.downcall("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class read {
        static final MethodHandle HANDLE =
                Libc.downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class write {
        static final MethodHandle HANDLE =
                Libc.downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class lseek {
        static final MethodHandle HANDLE =
                Libc.downcall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }
    private static final class readlink {
        static final MethodHandle HANDLE =
                Libc.downcall("readlink", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    }
    private static final class pwrite {
        static final MethodHandle HANDLE =
                Libc.downcall("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    }
    private static final class ftruncate {
        static final MethodHandle HANDLE =
                Libc.downcall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    }
    private static final class truncate {
        static final MethodHandle HANDLE =
                Libc.downcall("truncate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class fsync {
        static final MethodHandle HANDLE = Libc.downcall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class fdatasync {
        static final MethodHandle HANDLE = Libc.downcall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class unlinkat {
        static final MethodHandle HANDLE =
                Libc.downcall("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class linkat {
        static final MethodHandle HANDLE = Libc.downcall("linkat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class symlinkat {
        static final MethodHandle HANDLE =
                Libc.downcall("symlinkat", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    }
    private static final class readlinkat {
        static final MethodHandle HANDLE =
                Libc.downcall("readlinkat", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    }
    private static final class fchownat {
        static final MethodHandle HANDLE = Libc.downcall("fchownat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class faccessat {
        static final MethodHandle HANDLE =
                Libc.downcall("faccessat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }
    private static final class copy_file_range {
        static final MethodHandle HANDLE = Libc.downcall("copy_file_range",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }
    private static final class getgid {
        static final MethodHandle HANDLE = Libc.downcall("getgid", FunctionDescriptor.of(JAVA_INT));
    }
    private static final class geteuid {
        static final MethodHandle HANDLE = Libc.downcall("geteuid", FunctionDescriptor.of(JAVA_INT));
    }
    private static final class getegid {
        static final MethodHandle HANDLE = Libc.downcall("getegid", FunctionDescriptor.of(JAVA_INT));
    }
    private static final class getpid {
        static final MethodHandle HANDLE = Libc.downcall("getpid", FunctionDescriptor.of(JAVA_INT));
    }
    private static final class getuid {
        static final MethodHandle HANDLE = Libc.downcall("getuid", FunctionDescriptor.of(JAVA_INT));
    }

    private Unistd() {}

    /** close(2) of a raw number; only {@link Fd} calls it. Errors are ignored: the number is gone either way. */
    static void close(int fd) {
        try {
            long ignored = Syscall.call(Syscall.CLOSE, fd, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }

    /** read(2) into {@code buffer}: the byte count, 0 at end of file, or -1 for EAGAIN on a non-blocking fd. */
    public static long read(Fd fd, MemorySegment buffer, long count) throws LinuxException {
        int n = fd.acquire();
        try {
            long r = (long) read.HANDLE.invokeExact(Libc.errnoSlot(), n, buffer, Math.min(count, buffer.byteSize()));
            return r >= 0 ? r : Calls.failOrAgain("read(fd " + n + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** write(2) from {@code buffer}: the byte count, or -1 for EAGAIN on a non-blocking fd. */
    public static long write(Fd fd, MemorySegment buffer, long count) throws LinuxException {
        int n = fd.acquire();
        try {
            long r = (long) write.HANDLE.invokeExact(Libc.errnoSlot(), n, buffer, Math.min(count, buffer.byteSize()));
            return r >= 0 ? r : Calls.failOrAgain("write(fd " + n + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** pread(2): reads at {@code offset} without moving the file offset shared with other holders. */
    public static long pread(Fd fd, MemorySegment buffer, long count, long offset) throws LinuxException {
        int n = fd.acquire();
        try {
            long r = Syscall.call(Syscall.PREAD64, n, Syscall.address(buffer),
                    Math.min(count, buffer.byteSize()), offset);
            return r >= 0 ? r : Calls.failOrAgain("pread(fd " + n + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** pwrite(2): writes at {@code offset} without moving the file offset; the byte count, or -1 for EAGAIN. */
    public static long pwrite(Fd fd, MemorySegment buffer, long count, long offset) throws LinuxException {
        int n = fd.acquire();
        try {
            long r = (long) pwrite.HANDLE.invokeExact(Libc.errnoSlot(), n, buffer, Math.min(count, buffer.byteSize()),
                    offset);
            return r >= 0 ? r : Calls.failOrAgain("pwrite(fd " + n + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * lseek(2): the new offset. SEEK_DATA and SEEK_HOLE find data and holes; on a directory fd, SEEK_SET to a
     * d_off that getdents64 returned resumes the listing there.
     *
     * @throws LinuxException ENXIO for SEEK_DATA/SEEK_HOLE past the end, ESPIPE on a pipe, EINVAL
     */
    public static long lseek(Fd fd, long offset, int whence) throws LinuxException {
        int n = fd.acquire();
        try {
            long r = (long) lseek.HANDLE.invokeExact(Libc.errnoSlot(), n, offset, whence);
            if (r < 0) throw Calls.fail("lseek(fd " + n + ")");
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * ftruncate(2): sets the size of a file open for writing. On an O_PATH fd it fails (EBADF): use
     * {@code Proc.withFdPath(fd, path -> ...)} with {@link #truncate}.
     *
     * @throws LinuxException EBADF, EINVAL, EFBIG, EPERM
     */
    public static void ftruncate(Fd fd, long length) throws LinuxException {
        int n = fd.acquire();
        try {
            int r = (int) ftruncate.HANDLE.invokeExact(Libc.errnoSlot(), n, length);
            if (r < 0) throw Calls.fail("ftruncate(fd " + n + ", " + length + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * truncate(2) of {@code path}, which it follows; {@code /proc/self/fd/N} from {@link Proc#withFdPath} reaches
     * the inode of an O_PATH fd.
     *
     * @throws LinuxException ENOENT, EACCES, EISDIR, EFBIG...
     */
    public static void truncate(byte[] path, long length) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) truncate.HANDLE.invokeExact(Libc.errnoSlot(), CString.allocate(arena, path, "truncate"),
                    length);
            if (r < 0) throw Calls.fail("truncate(" + CString.quote(path) + ", " + length + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** fsync(2): flushes data and metadata to the device. EBADF on an O_PATH fd; EINVAL where unsupported. */
    public static void fsync(Fd fd) throws LinuxException {
        sync(fsync.HANDLE, fd, "fsync");
    }

    /** fdatasync(2): flushes data and the metadata needed to read it. EBADF on an O_PATH fd. */
    public static void fdatasync(Fd fd) throws LinuxException {
        sync(fdatasync.HANDLE, fd, "fdatasync");
    }

    private static void sync(MethodHandle call, Fd fd, String name) throws LinuxException {
        int n = fd.acquire();
        try {
            int r = (int) call.invokeExact(Libc.errnoSlot(), n);
            if (r < 0) throw Calls.fail(name + "(fd " + n + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * unlinkat(2): removes {@code name} from {@code dir}; with AT_REMOVEDIR removes an empty directory.
     *
     * @throws LinuxException ENOENT, EISDIR without AT_REMOVEDIR, ENOTDIR or ENOTEMPTY with it, EBUSY...
     */
    public static void unlinkat(Fd dir, byte[] name, int flags) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) unlinkat.HANDLE.invokeExact(Libc.errnoSlot(), d, CString.allocate(arena, name, "unlinkat"),
                    flags);
            if (r < 0) throw Calls.fail("unlinkat(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /**
     * linkat(2): makes {@code newName} in {@code newDir} a hard link to {@code oldName} in {@code oldDir}. To link
     * the inode of an O_PATH fd, pass {@code /proc/self/fd/N} (from {@link Proc#withFdPath}) with a null
     * {@code oldDir} and AT_SYMLINK_FOLLOW, as passthrough_hp does; AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH.
     *
     * @throws LinuxException EEXIST, ENOENT, EXDEV across file systems, EPERM for a directory, EMLINK...
     */
    public static void linkat(Fd oldDir, byte[] oldName, Fd newDir, byte[] newName, int flags)
            throws LinuxException {
        int o = Fcntl.acquireDir(oldDir);
        try {
            int n = Fcntl.acquireDir(newDir);
            try (Arena arena = Arena.ofConfined()) {
                int r = (int) linkat.HANDLE.invokeExact(Libc.errnoSlot(), o, CString.allocate(arena, oldName, "linkat"),
                        n, CString.allocate(arena, newName, "linkat"), flags);
                if (r < 0) throw Calls.fail("linkat(" + Fcntl.dirName(o) + ", " + CString.quote(oldName) + ", "
                        + Fcntl.dirName(n) + ", " + CString.quote(newName) + ")");
            } finally {
                Fcntl.releaseDir(newDir);
            }
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(oldDir);
        }
    }

    /**
     * symlinkat(2): creates {@code linkName} in {@code newDir} as a symbolic link holding {@code target} (any bytes
     * but NUL; not checked to exist).
     *
     * @throws LinuxException EEXIST, ENOENT, ENAMETOOLONG...
     */
    public static void symlinkat(byte[] target, Fd newDir, byte[] linkName) throws LinuxException {
        int d = Fcntl.acquireDir(newDir);
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) symlinkat.HANDLE.invokeExact(Libc.errnoSlot(), CString.allocate(arena, target,
                    "symlinkat"), d,
                    CString.allocate(arena, linkName, "symlinkat"));
            if (r < 0) throw Calls.fail("symlinkat(" + CString.quote(target) + ", " + Fcntl.dirName(d) + ", "
                    + CString.quote(linkName) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(newDir);
        }
    }

    /**
     * readlinkat(2): the target of symbolic link {@code name} in {@code dir}, as bytes. With an empty name it reads
     * {@code dir} itself, which must then be an O_PATH|O_NOFOLLOW fd of a symbolic link.
     *
     * @throws LinuxException EINVAL if {@code name} is not a symbolic link (ENOENT when an empty name refers to
     *                        something other than a link), ENOENT, EOVERFLOW past 1 MiB
     */
    public static byte[] readlinkat(Fd dir, byte[] name) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = CString.allocate(arena, name, "readlinkat");
            // readlink does not say whether it cut the target: a full buffer may be cut, so retry with a larger one.
            for (long size = 4096; ; size *= 2) {
                MemorySegment target = arena.allocate(size);
                long r = (long) readlinkat.HANDLE.invokeExact(Libc.errnoSlot(), d, path, target, size);
                if (r < 0) throw Calls.fail("readlinkat(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ")");
                if (r < size) return CString.toBytes(target, r);
                if (size >= MAX_LINK) throw new LinuxException("readlinkat(" + Fcntl.dirName(d) + ", "
                        + CString.quote(name) + ")", Errno.EOVERFLOW, "target longer than " + MAX_LINK + " bytes");
            }
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /**
     * fchownat(2): sets owner and group of {@code name} in {@code dir}; -1 leaves one unchanged. With AT_EMPTY_PATH
     * and an empty name it changes {@code dir} itself, O_PATH fds included; AT_SYMLINK_NOFOLLOW changes a link.
     *
     * @throws LinuxException EPERM without CAP_CHOWN, ENOENT...
     */
    public static void fchownat(Fd dir, byte[] name, int owner, int group, int flags) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) fchownat.HANDLE.invokeExact(Libc.errnoSlot(), d, CString.allocate(arena, name, "fchownat"),
                    owner, group, flags);
            if (r < 0) throw Calls.fail("fchownat(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ", " + owner
                    + ", " + group + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /**
     * faccessat(2): returns if {@code name} in {@code dir} allows {@code mode} (F_OK or R_OK|W_OK|X_OK), checked
     * with the real ids, or with AT_EACCESS the effective ones; AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW also apply.
     *
     * @throws LinuxException EACCES if not allowed, ENOENT, EROFS for W_OK on a read-only mount...
     */
    public static void faccessat(Fd dir, byte[] name, int mode, int flags) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) faccessat.HANDLE.invokeExact(Libc.errnoSlot(), d, CString.allocate(arena, name, "faccessat"),
                    mode, flags);
            if (r < 0) throw Calls.fail("faccessat(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ", " + mode
                    + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /**
     * copy_file_range(2): copies up to {@code len} bytes from {@code in} at {@code offIn} to {@code out} at
     * {@code offOut}, in the kernel (reflinked where the file system can). An offset of -1 uses and advances that
     * fd's file offset instead (a NULL pointer in C); explicit offsets leave the file offsets alone.
     *
     * @return the bytes copied, 0 at the end of {@code in}
     * @throws LinuxException EXDEV where the kernel cannot copy between the two, EBADF, EINVAL, EISDIR, EFBIG...
     */
    public static long copy_file_range(Fd in, long offIn, Fd out, long offOut, long len, int flags)
            throws LinuxException {
        int i = in.acquire();
        try {
            int o = out.acquire();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pIn = offIn < 0 ? MemorySegment.NULL : arena.allocateFrom(JAVA_LONG, offIn);
                MemorySegment pOut = offOut < 0 ? MemorySegment.NULL : arena.allocateFrom(JAVA_LONG, offOut);
                long r = (long) copy_file_range.HANDLE.invokeExact(Libc.errnoSlot(), i, pIn, o, pOut, len, flags);
                if (r < 0) throw Calls.fail("copy_file_range(fd " + i + ", " + offIn + ", fd " + o + ", " + offOut
                        + ", " + len + ")");
                return r;
            } finally {
                out.release();
            }
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            in.release();
        }
    }

    /** readlink(2) of {@code path}, e.g. {@code /proc/self/fd/5}. */
    public static String readlink(String path) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocate(4097);
            long r = (long) readlink.HANDLE.invokeExact(Libc.errnoSlot(), arena.allocateFrom(path), target, 4096L);
            if (r < 0) throw Calls.fail("readlink(\"" + path + "\")");
            return new String(target.asSlice(0, r).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * dup2(2) of {@code fd} over the standard descriptor {@code stdio} (1 or 2), e.g. to log where another
     * process logs. {@code fd} stays the caller's.
     */
    public static void dup2(Fd fd, int stdio) throws LinuxException {
        if (stdio != 1 && stdio != 2) throw new IllegalArgumentException("dup2 onto " + stdio + ": only 1 or 2");
        int n = fd.acquire();
        try {
            int r = (int) dup2.HANDLE.invokeExact(Libc.errnoSlot(), n, stdio);
            if (r < 0) throw Calls.fail("dup2(fd " + n + ", " + stdio + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** getpid(2). */
    public static int getpid() {
        try {
            return (int) getpid.HANDLE.invokeExact(Libc.errnoSlot());
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }

    /** getuid(2): the real user id of this process. */
    public static int getuid() {
        return id(getuid.HANDLE);
    }

    /** geteuid(2): the effective user id of this process. */
    public static int geteuid() {
        return id(geteuid.HANDLE);
    }

    /** getgid(2): the real group id of this process. */
    public static int getgid() {
        return id(getgid.HANDLE);
    }

    /** getegid(2): the effective group id of this process. */
    public static int getegid() {
        return id(getegid.HANDLE);
    }

    /** The id calls cannot fail. */
    private static int id(MethodHandle call) {
        try {
            return (int) call.invokeExact(Libc.errnoSlot());
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }
}

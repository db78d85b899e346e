package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to {@code <sys/xattr.h>}: get, set, list and remove extended attributes by path (following symbolic
 * links), by path on the link itself ({@code l*}) and by fd ({@code f*}).
 *
 * <p>Sizes follow the C API: a get or list with size 0 returns the size the value or list needs (the buffer may then
 * be {@link MemorySegment#NULL}); a size too small fails with ERANGE. A size larger than the buffer is cut to its
 * size. Paths and attribute names are raw bytes, NUL-terminated here.
 *
 * <p>O_PATH fds: the {@code f*} calls fail on them with EBADF, and so do the kernel's *xattrat calls on this kernel.
 * Use the path calls on {@code /proc/self/fd/N} through {@link Proc#withFdPath}: the magic link leads to the inode
 * itself, a symbolic link's own inode included, as libfuse's passthrough_hp does.
 *
 * <p>Thread safe. The caller keeps ownership of every {@code Fd} passed in. Failures throw {@link LinuxException}
 * naming the call, the path or fd, the attribute and the errno: ENODATA for a missing attribute, ERANGE for a
 * buffer too small, EOPNOTSUPP (ENOTSUP, the same number on Linux) for a namespace or file system without extended
 * attributes, EEXIST/ENODATA with XATTR_CREATE/XATTR_REPLACE, EPERM for user.* on a symbolic link, E2BIG.
 */
public final class Xattr {
    /** setxattr: fail with EEXIST if the attribute exists. */
    public static final int XATTR_CREATE = 1;
    /** setxattr: fail with ENODATA if the attribute does not exist. */
    public static final int XATTR_REPLACE = 2;
    /** The largest value the kernel stores (XATTR_SIZE_MAX). */
    public static final int XATTR_SIZE_MAX = 65536;
    /** The largest name list the kernel returns (XATTR_LIST_MAX). */
    public static final int XATTR_LIST_MAX = 65536;

    private static final FunctionDescriptor GET =
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor SET =
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final FunctionDescriptor LIST = FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor REMOVE = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class getxattr {
        static final MethodHandle HANDLE = Libc.downcall("getxattr", GET);
    }
    private static final class lgetxattr {
        static final MethodHandle HANDLE = Libc.downcall("lgetxattr", GET);
    }
    private static final class fgetxattr {
        static final MethodHandle HANDLE =
                Libc.downcall("fgetxattr", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    }
    private static final class setxattr {
        static final MethodHandle HANDLE = Libc.downcall("setxattr", SET);
    }
    private static final class lsetxattr {
        static final MethodHandle HANDLE = Libc.downcall("lsetxattr", SET);
    }
    private static final class fsetxattr {
        static final MethodHandle HANDLE = Libc.downcall("fsetxattr",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    }
    private static final class listxattr {
        static final MethodHandle HANDLE = Libc.downcall("listxattr", LIST);
    }
    private static final class llistxattr {
        static final MethodHandle HANDLE = Libc.downcall("llistxattr", LIST);
    }
    private static final class flistxattr {
        static final MethodHandle HANDLE =
                Libc.downcall("flistxattr", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class removexattr {
        static final MethodHandle HANDLE = Libc.downcall("removexattr", REMOVE);
    }
    private static final class lremovexattr {
        static final MethodHandle HANDLE = Libc.downcall("lremovexattr", REMOVE);
    }
    private static final class fremovexattr {
        static final MethodHandle HANDLE =
                Libc.downcall("fremovexattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private Xattr() {}

    /** getxattr(2): reads attribute {@code name} of {@code path} into {@code value}; the value's length. */
    public static long getxattr(byte[] path, byte[] name, MemorySegment value, long size) throws LinuxException {
        return get(getxattr.HANDLE, "getxattr", path, name, value, size);
    }

    /** lgetxattr(2): as {@link #getxattr}, on a symbolic link itself. */
    public static long lgetxattr(byte[] path, byte[] name, MemorySegment value, long size) throws LinuxException {
        return get(lgetxattr.HANDLE, "lgetxattr", path, name, value, size);
    }

    /** fgetxattr(2): as {@link #getxattr}, on the file open as {@code fd} (not O_PATH). */
    public static long fgetxattr(Fd fd, byte[] name, MemorySegment value, long size) throws LinuxException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            long r = (long) fgetxattr.HANDLE.invokeExact(Libc.errnoSlot(), n, CString.allocate(arena, name,
                    "fgetxattr"),
                    value, Math.min(size, value.byteSize()));
            if (r < 0) throw Calls.fail("fgetxattr(fd " + n + ", " + CString.quote(name) + ")");
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** setxattr(2): sets attribute {@code name} of {@code path} to {@code size} bytes of {@code value}. */
    public static void setxattr(byte[] path, byte[] name, MemorySegment value, long size, int flags)
            throws LinuxException {
        set(setxattr.HANDLE, "setxattr", path, name, value, size, flags);
    }

    /** lsetxattr(2): as {@link #setxattr}, on a symbolic link itself. */
    public static void lsetxattr(byte[] path, byte[] name, MemorySegment value, long size, int flags)
            throws LinuxException {
        set(lsetxattr.HANDLE, "lsetxattr", path, name, value, size, flags);
    }

    /** fsetxattr(2): as {@link #setxattr}, on the file open as {@code fd} (not O_PATH). */
    public static void fsetxattr(Fd fd, byte[] name, MemorySegment value, long size, int flags)
            throws LinuxException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) fsetxattr.HANDLE.invokeExact(Libc.errnoSlot(), n, CString.allocate(arena, name, "fsetxattr"),
                    value, Math.min(size, value.byteSize()), flags);
            if (r < 0) throw Calls.fail("fsetxattr(fd " + n + ", " + CString.quote(name) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * listxattr(2): the attribute names of {@code path} into {@code list}, each NUL-terminated (split them with
     * {@link #names}); the list's length.
     */
    public static long listxattr(byte[] path, MemorySegment list, long size) throws LinuxException {
        return list(listxattr.HANDLE, "listxattr", path, list, size);
    }

    /** llistxattr(2): as {@link #listxattr}, on a symbolic link itself. */
    public static long llistxattr(byte[] path, MemorySegment list, long size) throws LinuxException {
        return list(llistxattr.HANDLE, "llistxattr", path, list, size);
    }

    /** flistxattr(2): as {@link #listxattr}, on the file open as {@code fd} (not O_PATH). */
    public static long flistxattr(Fd fd, MemorySegment list, long size) throws LinuxException {
        int n = fd.acquire();
        try {
            long r = (long) flistxattr.HANDLE.invokeExact(Libc.errnoSlot(), n, list, Math.min(size, list.byteSize()));
            if (r < 0) throw Calls.fail("flistxattr(fd " + n + ")");
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** removexattr(2): removes attribute {@code name} of {@code path}; ENODATA if it is absent. */
    public static void removexattr(byte[] path, byte[] name) throws LinuxException {
        remove(removexattr.HANDLE, "removexattr", path, name);
    }

    /** lremovexattr(2): as {@link #removexattr}, on a symbolic link itself. */
    public static void lremovexattr(byte[] path, byte[] name) throws LinuxException {
        remove(lremovexattr.HANDLE, "lremovexattr", path, name);
    }

    /** fremovexattr(2): as {@link #removexattr}, on the file open as {@code fd} (not O_PATH). */
    public static void fremovexattr(Fd fd, byte[] name) throws LinuxException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) fremovexattr.HANDLE.invokeExact(Libc.errnoSlot(), n, CString.allocate(arena, name,
                    "fremovexattr"));
            if (r < 0) throw Calls.fail("fremovexattr(fd " + n + ", " + CString.quote(name) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** The names in the first {@code length} bytes of a list from {@link #listxattr}, without their NULs. */
    public static List<byte[]> names(MemorySegment list, long length) {
        List<byte[]> names = new ArrayList<>();
        long start = 0;
        for (long i = 0; i < length; i++) {
            if (list.get(JAVA_BYTE, i) == 0) {
                names.add(list.asSlice(start, i - start).toArray(JAVA_BYTE));
                start = i + 1;
            }
        }
        if (start < length) names.add(list.asSlice(start, length - start).toArray(JAVA_BYTE));
        return names;
    }

    private static long get(MethodHandle call, String function, byte[] path, byte[] name, MemorySegment value,
            long size) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            long r = (long) call.invokeExact(Libc.errnoSlot(), CString.allocate(arena, path, function),
                    CString.allocate(arena, name, function), value, Math.min(size, value.byteSize()));
            if (r < 0) throw Calls.fail(function + "(" + CString.quote(path) + ", " + CString.quote(name) + ")");
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    private static void set(MethodHandle call, String function, byte[] path, byte[] name, MemorySegment value,
            long size, int flags) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) call.invokeExact(Libc.errnoSlot(), CString.allocate(arena, path, function),
                    CString.allocate(arena, name, function), value, Math.min(size, value.byteSize()), flags);
            if (r < 0) throw Calls.fail(function + "(" + CString.quote(path) + ", " + CString.quote(name) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    private static long list(MethodHandle call, String function, byte[] path, MemorySegment list, long size)
            throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            long r = (long) call.invokeExact(Libc.errnoSlot(), CString.allocate(arena, path, function), list,
                    Math.min(size, list.byteSize()));
            if (r < 0) throw Calls.fail(function + "(" + CString.quote(path) + ")");
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    private static void remove(MethodHandle call, String function, byte[] path, byte[] name) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) call.invokeExact(Libc.errnoSlot(), CString.allocate(arena, path, function),
                    CString.allocate(arena, name, function));
            if (r < 0) throw Calls.fail(function + "(" + CString.quote(path) + ", " + CString.quote(name) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}

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
 * Bindings to {@code <unistd.h>}: read, write, pread, lseek, readlink, close, getpid, getuid.
 *
 * <p>Thread safe. Buffers must be native memory segments.
 */
public final class Unistd {
    /** lseek whence: from the start of the file. */
    public static final int SEEK_SET = 0;
    /** lseek whence: from the current offset. */
    public static final int SEEK_CUR = 1;
    /** lseek whence: from the end of the file. */
    public static final int SEEK_END = 2;

    private static final MethodHandle CLOSE = Libc.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ =
            Libc.downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE =
            Libc.downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREAD =
            Libc.downcall("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle LSEEK =
            Libc.downcall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle READLINK =
            Libc.downcall("readlink", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle GETPID = Libc.downcall("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETUID = Libc.downcall("getuid", FunctionDescriptor.of(JAVA_INT));

    private Unistd() {}

    /** close(2) of a raw number; only {@link Fd} calls it. Errors are ignored: the number is gone either way. */
    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(Libc.errnoSlot(), fd);
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }

    /** read(2) into {@code buffer}: the byte count, 0 at end of file, or -1 for EAGAIN on a non-blocking fd. */
    public static long read(Fd fd, MemorySegment buffer, long count) throws LinuxException {
        int n = fd.acquire();
        try {
            long r = (long) READ.invokeExact(Libc.errnoSlot(), n, buffer, Math.min(count, buffer.byteSize()));
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
            long r = (long) WRITE.invokeExact(Libc.errnoSlot(), n, buffer, Math.min(count, buffer.byteSize()));
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
            long r = (long) PREAD.invokeExact(Libc.errnoSlot(), n, buffer, Math.min(count, buffer.byteSize()), offset);
            return r >= 0 ? r : Calls.failOrAgain("pread(fd " + n + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** lseek(2): the new offset. */
    public static long lseek(Fd fd, long offset, int whence) throws LinuxException {
        int n = fd.acquire();
        try {
            long r = (long) LSEEK.invokeExact(Libc.errnoSlot(), n, offset, whence);
            if (r < 0) throw Calls.fail("lseek(fd " + n + ")");
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** readlink(2) of {@code path}, e.g. {@code /proc/self/fd/5}. */
    public static String readlink(String path) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocate(4097);
            long r = (long) READLINK.invokeExact(Libc.errnoSlot(), arena.allocateFrom(path), target, 4096L);
            if (r < 0) throw Calls.fail("readlink(\"" + path + "\")");
            return new String(target.asSlice(0, r).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** getpid(2). */
    public static int getpid() {
        try {
            return (int) GETPID.invokeExact(Libc.errnoSlot());
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }

    /** getuid(2): the real user id of this process. */
    public static int getuid() {
        try {
            return (int) GETUID.invokeExact(Libc.errnoSlot());
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }
}

package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to {@code <fcntl.h>}: open and fcntl, with the flag values of x86_64.
 *
 * <p>Thread safe. Every descriptor opened here is close-on-exec.
 */
public final class Fcntl {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_ACCMODE = 3;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_NOCTTY = 0x100;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;
    /** Set by the kernel on every open of a 64-bit process; shown so listings have no unexplained bits. */
    public static final int O_LARGEFILE = 0x8000;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_NOFOLLOW = 0x20000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_PATH = 0x200000;

    static final int F_DUPFD_CLOEXEC = 1030;
    static final int F_GETFD = 1;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    private static final MethodHandle OPEN = Libc.downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FCNTL = Libc.downcall("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));

    private Fcntl() {}

    /** open(2) with O_CLOEXEC added; {@code mode} applies when O_CREAT is set. */
    public static Fd open(String path, int flags, int mode) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(Libc.errnoSlot(), arena.allocateFrom(path), flags | O_CLOEXEC, mode);
            if (fd < 0) throw Calls.fail("open(\"" + path + "\", " + OpenFlags.describe(flags) + ")");
            return Fd.adopt(fd);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
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

    /** fcntl(F_DUPFD_CLOEXEC): a new close-on-exec descriptor for the same open file description. */
    static Fd dupCloexec(Fd fd) throws LinuxException {
        return Fd.adopt(fcntl(fd, F_DUPFD_CLOEXEC, 0, "fcntl(fd %d, F_DUPFD_CLOEXEC)"));
    }

    private static int fcntl(Fd fd, int command, int argument, String call) throws LinuxException {
        int n = fd.acquire();
        try {
            int r = (int) FCNTL.invokeExact(Libc.errnoSlot(), n, command, argument);
            if (r < 0) throw Calls.fail(call.formatted(n));
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }
}

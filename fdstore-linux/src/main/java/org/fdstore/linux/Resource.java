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
 * Bindings to getrlimit(2) and setrlimit(2) of {@code <sys/resource.h>}, for RLIMIT_NOFILE.
 *
 * <p>Thread safe.
 */
public final class Resource {
    private static final int RLIMIT_NOFILE = 7;
    // The C function in a holder class, linked on its first call (see Libc).
    private static final class getrlimit {
        static final MethodHandle HANDLE =
                Libc.downcall("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private static final class setrlimit {
        static final MethodHandle HANDLE =
                Libc.downcall("setrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** RLIMIT_NOFILE's soft and hard limit; RLIM_INFINITY reads as -1. */
    public record Limit(long soft, long hard) {}

    private Resource() {}

    /** The soft limit on open files of this process (the JVM raises it to the hard limit at start). */
    public static long openFileLimit() throws LinuxException {
        return openFileLimits().soft();
    }

    /** getrlimit(RLIMIT_NOFILE): the soft and hard limits on open files of this process. */
    public static Limit openFileLimits() throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limits = arena.allocate(16, 8);
            int r = (int) getrlimit.HANDLE.invokeExact(Libc.errnoSlot(), RLIMIT_NOFILE, limits);
            if (r < 0) throw Calls.fail("getrlimit(RLIMIT_NOFILE)");
            return new Limit(limits.get(JAVA_LONG, 0), limits.get(JAVA_LONG, 8));
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * setrlimit(RLIMIT_NOFILE).
     *
     * @throws LinuxException EPERM to raise the hard limit without CAP_SYS_RESOURCE, EINVAL if soft exceeds hard or
     *                        the hard limit exceeds /proc/sys/fs/nr_open
     */
    public static void setOpenFileLimits(Limit limit) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limits = arena.allocate(16, 8);
            limits.set(JAVA_LONG, 0, limit.soft());
            limits.set(JAVA_LONG, 8, limit.hard());
            int r = (int) setrlimit.HANDLE.invokeExact(Libc.errnoSlot(), RLIMIT_NOFILE, limits);
            if (r < 0) throw Calls.fail("setrlimit(RLIMIT_NOFILE, " + limit.soft() + ", " + limit.hard() + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * Raises the soft limit on open files to the hard limit, which needs no privilege; returns the new soft limit.
     * A process that holds many fds (the store, a mount's server) calls it at start instead of relying on the JVM,
     * which does the same only where its own option (-XX:+MaxFDLimit, on by default) is left alone.
     */
    public static long raiseOpenFileLimit() throws LinuxException {
        Limit now = openFileLimits();
        if (now.soft() != now.hard()) setOpenFileLimits(new Limit(now.hard(), now.hard()));
        return now.hard();
    }
}

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
 * Binding to getrlimit(2) of {@code <sys/resource.h>}.
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

    private Resource() {}

    /** The soft limit on open files of this process (the JVM raises it to the hard limit at start). */
    public static long openFileLimit() throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limits = arena.allocate(16, 8);
            int r = (int) getrlimit.HANDLE.invokeExact(Libc.errnoSlot(), RLIMIT_NOFILE, limits);
            if (r < 0) throw Calls.fail("getrlimit(RLIMIT_NOFILE)");
            return limits.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}

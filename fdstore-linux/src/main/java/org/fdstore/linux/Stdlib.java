package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to {@code <stdlib.h>}.
 *
 * <p>unsetenv changes the C library's environment, which native code and execve(2) of {@code environ} see; the
 * JVM's {@link System#getenv()} is a copy taken at start and does not change. Not thread safe against other
 * threads reading the C environment, as unsetenv(3) is not.
 */
public final class Stdlib {
    // The C function in a holder class, linked on its first call (see Libc).
    private static final class unsetenv {
        static final MethodHandle HANDLE = Libc.downcall("unsetenv", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private Stdlib() {}

    /** unsetenv(3): removes {@code name} from the C environment. */
    public static void unsetenv(String name) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) unsetenv.HANDLE.invokeExact(Libc.errnoSlot(), arena.allocateFrom(name));
            if (r < 0) throw Calls.fail("unsetenv(\"" + name + "\")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}

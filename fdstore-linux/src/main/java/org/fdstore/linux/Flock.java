package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to flock(2) of {@code <sys/file.h>}: advisory whole-file locks that belong to the open file description,
 * so the kernel releases one when the last descriptor of it is closed, including when its process dies.
 *
 * <p>Thread safe.
 */
public final class Flock {
    /** Shared lock. */
    public static final int LOCK_SH = 1;
    /** Exclusive lock. */
    public static final int LOCK_EX = 2;
    /** Fail with EWOULDBLOCK instead of waiting. */
    public static final int LOCK_NB = 4;
    /** Release. */
    public static final int LOCK_UN = 8;

    // The C function in a holder class, linked on its first call (see Libc).
    private static final class flock {
        static final MethodHandle HANDLE = Libc.downcall("flock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private Flock() {}

    /**
     * flock(fd, operation).
     *
     * @return false if {@link #LOCK_NB} was given and another open file description holds a conflicting lock
     */
    public static boolean flock(Fd fd, int operation) throws LinuxException {
        int n = fd.acquire();
        try {
            int r = (int) flock.HANDLE.invokeExact(Libc.errnoSlot(), n, operation);
            if (r == 0) return true;
            if (Libc.errno() == Errno.EAGAIN.number()) return false;
            throw Calls.fail("flock(fd " + n + ", " + operation + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }
}

package org.fdstore.linux;

import org.fdstore.linux.internal.Libc;

/** Turns the outcome of a downcall into a value or a {@link LinuxException}. */
final class Calls {
    private Calls() {}

    /** The exception for the errno this thread's last call captured. */
    static LinuxException fail(String call) {
        return new LinuxException(call, Errno.of(Libc.errno()));
    }

    /** -1 when the last call failed with EAGAIN (a non-blocking fd has nothing to do now); otherwise throws. */
    static int failOrAgain(String call) throws LinuxException {
        if (again()) return -1;
        throw fail(call);
    }

    /**
     * Whether the last call failed with EAGAIN. Lets a hot path test before it builds the message of
     * {@link #fail}: an event loop meets EAGAIN at the end of every read.
     */
    static boolean again() {
        return Libc.errno() == Errno.EAGAIN.number();
    }

    /** invokeExact declares Throwable: pass our own exceptions on, wrap anything else. */
    static LinuxException rethrow(Throwable t) {
        if (t instanceof LinuxException e) return e;
        throw unexpected(t);
    }

    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("downcall failed: " + t, t);
    }
}

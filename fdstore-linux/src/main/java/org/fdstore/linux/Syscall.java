package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * System calls made through glibc's syscall(2), with their x86_64 numbers, all through one C signature:
 * {@code long syscall(long number, long a, long b, long c, long d, long e)}.
 *
 * <p>Why: a starting JVM pays milliseconds for every distinct C signature it links (a stub class and a dozen lambda
 * forms each, which the AOT cache does not keep; docs/benchmarks.md, Start-up). A CLI call connects, sends, receives
 * and closes, and may open or read a file: as C functions that is four to six signatures, as system calls one. The
 * same signature serves the calls older glibc has no wrapper for (pidfd_*, getdents64, a thread's setgroups).
 *
 * <p>Every argument travels as a 64-bit integer: an int is widened (the kernel reads the low half), a pointer is
 * the {@link #address} of a native segment the caller keeps alive until the call returns. A call returns -1 and
 * leaves errno in {@link Libc#errno()} on failure, as the C functions do.
 */
final class Syscall {
    static final long PREAD64 = 17;
    static final long CLOSE = 3;
    static final long RT_SIGACTION = 13;
    static final long RT_SIGPROCMASK = 14;
    static final long SOCKET = 41;
    static final long CONNECT = 42;
    static final long SENDMSG = 46;
    static final long RECVMSG = 47;
    static final long BIND = 49;
    static final long GETSOCKOPT = 55;
    static final long GETDENTS64 = 217;
    static final long OPENAT = 257;
    static final long NEWFSTATAT = 262;
    static final long GETGROUPS = 115;
    static final long SETGROUPS = 116;
    static final long PIDFD_SEND_SIGNAL = 424;
    static final long PIDFD_OPEN = 434;
    static final long PIDFD_GETFD = 438;

    // The C function in a holder class, linked on its first call (see Libc). syscall(2) is variadic after the number.
    private static final class syscall {
        static final MethodHandle HANDLE = Libc.downcall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
    }

    private Syscall() {}

    /** syscall(number, a, b, c, d): the call's result, or -1 with errno captured. */
    static long call(long number, long a, long b, long c, long d) throws Throwable {
        return call(number, a, b, c, d, 0L);
    }

    /**
     * syscall(number, a, b, c, d, e), for the calls of five arguments (getsockopt): the call's result, or -1 with
     * errno captured. The calls of fewer ignore the extra zeros, so all share this one signature.
     */
    static long call(long number, long a, long b, long c, long d, long e) throws Throwable {
        return (long) syscall.HANDLE.invokeExact(Libc.errnoSlot(), number, a, b, c, d, e);
    }

    /**
     * The address of {@code segment} as a system call's pointer argument.
     *
     * @throws IllegalArgumentException for a heap segment, whose address is no pointer the kernel could follow
     */
    static long address(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("a system call needs native memory, not a heap segment: " + segment);
        }
        return segment.address();
    }
}

package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.internal.Libc;

/**
 * Replaces this process with another program as systemd's socket activation starts one: the given fds at 3, 4, …
 * (without close-on-exec), every other fd from there up close-on-exec, an empty signal mask and no ignored
 * signal (execve(2), dup3(2), close_range(2), rt_sigprocmask(2), rt_sigaction(2)). The signal calls go to the kernel
 * directly: glibc's wrappers refuse signals 32 and 33, which it reserves, yet a parent may have left them ignored.
 *
 * <p>These calls of several headers live together because they must run as one fixed sequence: once the first
 * dup3 has overwritten a descriptor of the JVM (a jar, say), nothing may load a class or link a call until
 * execve. So everything is allocated, checked and linked first (each handle is called once with arguments that
 * fail harmlessly), and only then are descriptors overwritten.
 *
 * <p>Thread safe in the sense that it ends every thread: the kernel kills the others at execve.
 */
public final class Execve {
    /** The first descriptor number the passed fds get, as in sd_listen_fds(3). */
    public static final int FIRST_PASSED_FD = 3;

    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private static final long SIG_SETMASK = 2;
    private static final long SIG_IGN = 1;
    /** The kernel's {@code struct sigaction} on x86_64: handler, flags, restorer, 8-byte mask. */
    private static final long KERNEL_SIGACTION_BYTES = 32;
    private static final long KERNEL_SIGSET_BYTES = 8;
    /** Signals 1 to 64; SIGKILL and SIGSTOP cannot change (EINVAL), which is harmless. */
    private static final int LAST_SIGNAL = 64;

    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class execve {
        static final MethodHandle HANDLE =
                Libc.downcall("execve", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    }
    private static final class dup3 {
        static final MethodHandle HANDLE =
                Libc.downcall("dup3", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class close_range {
        static final MethodHandle HANDLE =
                Libc.downcall("close_range", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private Execve() {}

    /**
     * Runs {@code program} in place of this process. Returns only by throwing; the caller should then report and
     * halt at once ({@link Runtime#halt}), since the JVM's own descriptors from 3 up may have been replaced.
     * {@code passed} stay owned by the caller (they are duplicated).
     *
     * @param program the executable's path, resolved already (no PATH search here)
     * @param argv the argument vector, argv[0] included
     * @param environment {@code KEY=VALUE} strings, exactly the new program's environment
     * @throws LinuxException from dup3, close_range or execve (ENOENT, EACCES, ENOEXEC, E2BIG...)
     */
    public static void replaceProcess(String program, List<String> argv, List<String> environment, List<Fd> passed)
            throws LinuxException {
        Arena arena = Arena.ofShared();   // Never closed: on success the process image is gone anyway.
        MemorySegment path = cString(arena, program);
        MemorySegment args = vector(arena, argv);
        MemorySegment env = vector(arena, environment);
        MemorySegment emptySet = arena.allocate(KERNEL_SIGSET_BYTES, 8);
        int count = passed.size();
        int firstOther = FIRST_PASSED_FD + count;
        resetIgnoredSignals(arena);
        // Above every target, so that placing one never overwrites another's source.
        List<Fd> high = new ArrayList<>(count);
        try {
            for (Fd fd : passed) high.add(Fcntl.dupCloexecAtLeast(fd, firstOther));
            warmUp(args, env);
        } catch (LinuxException | RuntimeException e) {
            high.forEach(Fd::close);
            throw e;
        }
        try {
            for (int i = 0; i < count; i++) {
                int source = high.get(i).number();
                int target = FIRST_PASSED_FD + i;
                if ((int) dup3.HANDLE.invokeExact(Libc.errnoSlot(), source, target, 0) < 0) {
                    throw Calls.fail("dup3(" + source + ", " + target + ", 0)");
                }
            }
            if ((int) close_range.HANDLE.invokeExact(Libc.errnoSlot(), firstOther, -1, CLOSE_RANGE_CLOEXEC) < 0) {
                throw Calls.fail("close_range(" + firstOther + ", ~0U, CLOSE_RANGE_CLOEXEC)");
            }
            long unmasked = Syscall.call(Syscall.RT_SIGPROCMASK, SIG_SETMASK, emptySet.address(), 0L,
                    KERNEL_SIGSET_BYTES);
            int r = (int) execve.HANDLE.invokeExact(Libc.errnoSlot(), path, args, env);
            throw Calls.fail("execve(\"" + program + "\")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Each handle once, failing harmlessly, so that the real calls need no linking after fds are overwritten. */
    private static void warmUp(MemorySegment args, MemorySegment env) {
        try {
            int dup = (int) dup3.HANDLE.invokeExact(Libc.errnoSlot(), -1, -1, 0);                 // EBADF
            int range = (int) close_range.HANDLE.invokeExact(Libc.errnoSlot(), 1, 0, 0);         // EINVAL: first > last
            long mask = Syscall.call(Syscall.RT_SIGPROCMASK, SIG_SETMASK, 0L, 0L, KERNEL_SIGSET_BYTES); // no set: a query
            try (Arena arena = Arena.ofConfined()) {
                // An empty path: ENOENT.
                int exec = (int) execve.HANDLE.invokeExact(Libc.errnoSlot(), arena.allocate(1), args, env);
            }
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }

    /** An ignored signal stays ignored across execve (handlers do not): set those back to SIG_DFL. */
    private static void resetIgnoredSignals(Arena arena) throws LinuxException {
        MemorySegment old = arena.allocate(KERNEL_SIGACTION_BYTES, 8);
        MemorySegment byDefault = arena.allocate(KERNEL_SIGACTION_BYTES, 8);
        try {
            for (long signal = 1; signal <= LAST_SIGNAL; signal++) {
                if (Syscall.call(Syscall.RT_SIGACTION, signal, 0L, old.address(), KERNEL_SIGSET_BYTES) < 0) continue;
                if (old.get(JAVA_LONG, 0) != SIG_IGN) continue;
                if (Syscall.call(Syscall.RT_SIGACTION, signal, byDefault.address(), 0L, KERNEL_SIGSET_BYTES) < 0) {
                    throw Calls.fail("rt_sigaction(" + signal + ", SIG_DFL)");
                }
            }
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    private static MemorySegment vector(Arena arena, List<String> strings) {
        MemorySegment v = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) v.setAtIndex(ADDRESS, i, cString(arena, strings.get(i)));
        v.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return v;
    }

    private static MemorySegment cString(Arena arena, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (b == 0) throw new IllegalArgumentException("a NUL byte in an exec argument: " + s.replace('\0', '?'));
        }
        MemorySegment c = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, c, JAVA_BYTE, 0, bytes.length);
        return c;
    }
}

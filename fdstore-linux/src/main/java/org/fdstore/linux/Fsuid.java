package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to {@code <sys/fsuid.h>} (setfsuid, setfsgid) and the raw setgroups/getgroups system calls: the
 * identity one thread uses for file access, as a FUSE server takes on each caller's uid, gid and groups.
 *
 * <p>Every call here changes or reads the <em>calling thread</em> only. The kernel keeps credentials per thread;
 * glibc's setgroups(3) would copy the change to every thread of the process (its setxid broadcast), so the groups
 * are set with {@code syscall(SYS_setgroups)} instead. Changing the fsuid from 0 to another id drops the
 * file-related capabilities (CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID, CAP_MKNOD...)
 * from the thread's effective set; setting it back to 0 restores them.
 *
 * <p>Use these on a dedicated platform thread and restore the identity before the thread does other work. A
 * virtual thread would leave the identity on its carrier, for other virtual threads to inherit, so the setters
 * refuse to run on one (IllegalStateException). Thread safe in the sense that each thread only affects itself.
 */
public final class Fsuid {

    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class setfsuid {
        static final MethodHandle HANDLE = Libc.downcall("setfsuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class setfsgid {
        static final MethodHandle HANDLE = Libc.downcall("setfsgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private Fsuid() {}

    /**
     * setfsuid(2): sets the calling thread's file-system user id and returns the previous one. It reports no error:
     * without CAP_SETUID the id silently stays; {@code setfsuid(-1)} changes nothing and returns the current id.
     * Prefer {@link #setfsuidChecked}.
     */
    public static int setfsuid(int fsuid) {
        requirePlatformThread("setfsuid");
        try {
            return (int) setfsuid.HANDLE.invokeExact(Libc.errnoSlot(), fsuid);
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }

    /** setfsgid(2): as {@link #setfsuid}, for the file-system group id. Prefer {@link #setfsgidChecked}. */
    public static int setfsgid(int fsgid) {
        requirePlatformThread("setfsgid");
        try {
            return (int) setfsgid.HANDLE.invokeExact(Libc.errnoSlot(), fsgid);
        } catch (Throwable t) {
            throw Calls.unexpected(t);
        }
    }

    /**
     * {@link #setfsuid}, then reads the id back: the previous fsuid.
     *
     * @throws LinuxException EPERM if the id did not change (no CAP_SETUID); the thread's id is then unchanged
     */
    public static int setfsuidChecked(int fsuid) throws LinuxException {
        int previous = setfsuid(fsuid);
        if (setfsuid(-1) != fsuid) throw new LinuxException("setfsuid(" + fsuid + ")", Errno.EPERM);
        return previous;
    }

    /**
     * {@link #setfsgid}, then reads the id back: the previous fsgid.
     *
     * @throws LinuxException EPERM if the id did not change (no CAP_SETGID); the thread's id is then unchanged
     */
    public static int setfsgidChecked(int fsgid) throws LinuxException {
        int previous = setfsgid(fsgid);
        if (setfsgid(-1) != fsgid) throw new LinuxException("setfsgid(" + fsgid + ")", Errno.EPERM);
        return previous;
    }

    /**
     * {@code syscall(SYS_setgroups, n, gids)}: sets the supplementary groups of the calling thread only (not
     * glibc's setgroups, which changes every thread).
     *
     * @throws LinuxException EPERM without CAP_SETGID, EINVAL for more than NGROUPS_MAX (65536) groups
     */
    public static void setThreadGroups(int[] gids) throws LinuxException {
        requirePlatformThread("setgroups");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = gids.length == 0 ? MemorySegment.NULL : arena.allocateFrom(JAVA_INT, gids);
            long r = Syscall.call(Syscall.SETGROUPS, gids.length, Syscall.address(list), 0L, 0L);
            if (r < 0) throw Calls.fail("setgroups(" + gids.length + " groups, this thread)");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code syscall(SYS_getgroups, ...)}: the supplementary groups of the calling thread. */
    public static int[] getThreadGroups() throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            // Only this thread changes its own groups, so the count cannot change between the two calls.
            long count = Syscall.call(Syscall.GETGROUPS, 0L, 0L, 0L, 0L);
            if (count < 0) throw Calls.fail("getgroups(this thread)");
            if (count == 0) return new int[0];
            MemorySegment list = arena.allocate(JAVA_INT, count);
            long r = Syscall.call(Syscall.GETGROUPS, count, Syscall.address(list), 0L, 0L);
            if (r < 0) throw Calls.fail("getgroups(this thread)");
            return list.asSlice(0, r * 4).toArray(JAVA_INT);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    private static void requirePlatformThread(String call) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException(call + " on a virtual thread would change its carrier thread's identity");
        }
    }
}

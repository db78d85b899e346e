package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * A process file descriptor: a reference to one process that never names another one, even after its pid is reused
 * (pidfd_open(2), pidfd_send_signal(2), and the SO_PEERPIDFD socket option of {@code <sys/socket.h>}).
 *
 * <p>The descriptor becomes readable when the process exits: register {@link #fd()} with {@link Epoll} for
 * {@link Epoll#EPOLLIN} to be told. glibc 2.36 has wrappers, but older ones do not, so the calls go through
 * syscall(2) with the x86_64 numbers.
 *
 * <p>Thread safe, as {@link Fd} is. Whoever holds a {@code Pidfd} closes it; closing closes the descriptor, never
 * the process.
 */
public final class Pidfd implements AutoCloseable {
    /** getsockopt(SOL_SOCKET, SO_PEERPIDFD): a pidfd of the peer that connected (Linux 6.5). */
    static final int SO_PEERPIDFD = 77;

    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class getsockopt {
        static final MethodHandle HANDLE = Libc.downcall("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    private final Fd fd;
    private final int pid;

    private Pidfd(Fd fd, int pid) {
        this.fd = fd;
        this.pid = pid;
    }

    /**
     * pidfd_open(pid, 0): a pidfd of the process {@code pid} names now. The descriptor is close-on-exec (pidfd_open
     * always sets it). Between learning a pid and this call the pid may have been reused; when the pid comes from a
     * socket peer, prefer {@link #ofPeer}.
     *
     * @throws LinuxException ESRCH if no such process exists, EINVAL for a pid that is not a thread-group leader
     */
    public static Pidfd open(int pid) throws LinuxException {
        try {
            long r = Syscall.call(Syscall.PIDFD_OPEN, pid, 0L, 0L, 0L);
            if (r < 0) throw Calls.fail("pidfd_open(" + pid + ", 0)");
            return new Pidfd(Fd.adopt((int) r), pid);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * A pidfd of the process that connected {@code socket}'s peer (getsockopt SO_PEERPIDFD), free of the pid-reuse
     * race of {@link #open}: the kernel took the reference at connect time.
     *
     * @param pid the peer's pid as SO_PEERCRED reported it, kept for messages
     * @throws LinuxException ENOPROTOOPT before Linux 6.5; ESRCH or EINVAL when the peer has exited and been
     *     reaped, on kernels that cannot name a reaped process
     */
    public static Pidfd ofPeer(Fd socket, int pid) throws LinuxException {
        int n = socket.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocateFrom(JAVA_INT, 4);
            int r = (int) getsockopt.HANDLE.invokeExact(Libc.errnoSlot(), n, Socket.SOL_SOCKET, SO_PEERPIDFD, value,
                    length);
            if (r < 0) throw Calls.fail("getsockopt(fd " + n + ", SO_PEERPIDFD)");
            return new Pidfd(Fd.adopt(value.get(JAVA_INT, 0)), pid);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }

    /**
     * A pidfd that came from elsewhere (received with SCM_RIGHTS, say) for the process that had {@code pid}; takes
     * ownership of {@code fd}.
     */
    public static Pidfd adopt(Fd fd, int pid) {
        return new Pidfd(fd, pid);
    }

    /** The descriptor, to register with {@link Epoll}: it turns readable when the process exits. Owned here. */
    public Fd fd() {
        return fd;
    }

    /** The pid the process had when this pidfd was made. */
    public int pid() {
        return pid;
    }

    /**
     * Whether process {@code pid} exists now (not yet reaped); false for pid ≤ 0. A snapshot: the answer can be stale
     * the moment it returns, so hold a pidfd ({@link #open}) to follow one process over time.
     */
    public static boolean isRunning(int pid) {
        if (pid <= 0) return false;
        try (Pidfd p = open(pid)) {
            return p.isAlive();
        } catch (LinuxException e) {
            return false;
        }
    }

    /**
     * Whether the process has not been reaped yet: pidfd_send_signal(fd, 0, NULL, 0), which checks without sending.
     * A zombie still counts as alive, because its pid cannot be reused until it is reaped. EPERM (another user's
     * process, for an unprivileged caller) also means alive.
     *
     * @throws LinuxException for an errno other than ESRCH and EPERM, e.g. EBADF once closed
     */
    public boolean isAlive() throws LinuxException {
        int n = fd.acquire();
        try {
            long r = Syscall.call(Syscall.PIDFD_SEND_SIGNAL, n, 0L, 0L, 0L);
            if (r == 0) return true;
            int errno = Libc.errno();
            if (errno == Errno.ESRCH.number()) return false;
            if (errno == Errno.EPERM.number()) return true;
            throw Calls.fail("pidfd_send_signal(fd " + n + ", 0)");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * pidfd_getfd(pidfd, targetFd, 0): a new descriptor in this process for the open file description behind the
     * process's descriptor {@code targetFd} (same file, shared offset and flags). The new descriptor is close-on-exec
     * and owned by the caller. Allocates nothing on success beyond the returned {@link Fd}.
     *
     * @throws LinuxException EPERM if this process may not ptrace the target (another uid without CAP_SYS_PTRACE);
     *     EBADF if the target has no such descriptor; ESRCH if the target has exited
     */
    public Fd getfd(int targetFd) throws LinuxException {
        int n = fd.acquire();
        try {
            long r = Syscall.call(Syscall.PIDFD_GETFD, n, targetFd, 0L, 0L);
            if (r < 0) throw Calls.fail("pidfd_getfd(" + this + ", " + targetFd + ", 0)");
            return Fd.adopt((int) r);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /**
     * The pidfd's inode number. Since Linux 6.9 pidfds live in pidfs, where it is unique for each process for the
     * life of the system, so two pidfds name the same process exactly when their inodes are equal. Before that,
     * every pidfd shares the one anonymous inode: compare with another anonymous descriptor to tell.
     */
    public long inode() throws LinuxException {
        return Stat.fstat(fd).ino();
    }

    /** Closes the descriptor; harmless when repeated. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "pidfd of pid " + pid + " (" + fd + ")";
    }
}

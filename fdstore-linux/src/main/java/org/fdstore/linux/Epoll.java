package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * An epoll instance (epoll_create1, epoll_ctl, epoll_wait of {@code <sys/epoll.h>}) with its own event buffer.
 *
 * <p>Each registered fd carries a caller-chosen 64-bit token. {@code struct epoll_event} is packed on x86_64: a u32
 * event mask at 0 and the u64 token at 4, 12 bytes in all.
 *
 * <p>Not thread safe: one thread waits and reads the results. Closing it closes the epoll fd, not the watched ones.
 */
public final class Epoll implements AutoCloseable {
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;

    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int CTL_ADD = 1;
    private static final int CTL_DEL = 2;
    private static final int CTL_MOD = 3;
    private static final long EVENT_SIZE = 12;

    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class epoll_create1 {
        static final MethodHandle HANDLE = Libc.downcall("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class epoll_ctl {
        static final MethodHandle HANDLE =
                Libc.downcall("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class epoll_wait {
        static final MethodHandle HANDLE =
                Libc.downcall("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    private final Fd fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events;
    private final MemorySegment request;
    private final int capacity;
    private int ready;

    private Epoll(Fd fd, int capacity) {
        this.fd = fd;
        this.capacity = capacity;
        this.events = arena.allocate(EVENT_SIZE * capacity, 8);
        this.request = arena.allocate(EVENT_SIZE, 8);
    }

    /** epoll_create1(EPOLL_CLOEXEC), reporting at most {@code capacity} events per wait. */
    public static Epoll create(int capacity) throws LinuxException {
        try {
            int n = (int) epoll_create1.HANDLE.invokeExact(Libc.errnoSlot(), EPOLL_CLOEXEC);
            if (n < 0) throw Calls.fail("epoll_create1");
            return new Epoll(Fd.adopt(n), capacity);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Watches {@code target} for {@code events}, reporting {@code token} (EPOLL_CTL_ADD). */
    public void add(Fd target, int events, long token) throws LinuxException {
        control(CTL_ADD, target, events, token, "EPOLL_CTL_ADD");
    }

    /** Changes what {@code target} is watched for (EPOLL_CTL_MOD). */
    public void modify(Fd target, int events, long token) throws LinuxException {
        control(CTL_MOD, target, events, token, "EPOLL_CTL_MOD");
    }

    /** Stops watching {@code target} (EPOLL_CTL_DEL); call before closing it. */
    public void remove(Fd target) throws LinuxException {
        control(CTL_DEL, target, 0, 0, "EPOLL_CTL_DEL");
    }

    /** epoll_wait: blocks up to {@code timeoutMillis} (-1: forever) and returns how many events are ready. */
    public int await(int timeoutMillis) throws LinuxException {
        int n = fd.acquire();
        try {
            int r = (int) epoll_wait.HANDLE.invokeExact(Libc.errnoSlot(), n, events, capacity, timeoutMillis);
            if (r < 0) {
                if (Libc.errno() == Errno.EINTR.number()) r = 0;
                else throw Calls.fail("epoll_wait(fd " + n + ")");
            }
            ready = r;
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** The event mask of the i-th ready event of the last {@link #await}. */
    public int events(int i) {
        check(i);
        return events.get(JAVA_INT_UNALIGNED, EVENT_SIZE * i);
    }

    /** The token of the i-th ready event of the last {@link #await}. */
    public long token(int i) {
        check(i);
        return events.get(JAVA_LONG_UNALIGNED, EVENT_SIZE * i + 4);
    }

    @Override
    public void close() {
        fd.close();
        arena.close();
    }

    private void check(int i) {
        if (i < 0 || i >= ready) throw new IndexOutOfBoundsException("event " + i + " of " + ready);
    }

    private void control(int op, Fd target, int mask, long token, String name) throws LinuxException {
        int n = fd.acquire();
        int t = target.acquire();
        try {
            request.set(JAVA_INT_UNALIGNED, 0, mask);
            request.set(JAVA_LONG_UNALIGNED, 4, token);
            int r = (int) epoll_ctl.HANDLE.invokeExact(Libc.errnoSlot(), n, op, t, request);
            if (r < 0) throw Calls.fail("epoll_ctl(" + name + ", fd " + t + ")");
        } catch (Throwable e) {
            throw Calls.rethrow(e);
        } finally {
            target.release();
            fd.release();
        }
    }
}

package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * A non-blocking eventfd (eventfd(2) of {@code <sys/eventfd.h>}) used to wake a thread blocked in epoll.
 *
 * <p>Thread safe: any thread may {@link #signal()}; the waiting thread {@link #drain()}s.
 */
public final class EventFd implements AutoCloseable {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    // The C function in a holder class, linked on its first call (see Libc).
    private static final class eventfd {
        static final MethodHandle HANDLE =
                Libc.downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private final Fd fd;

    private EventFd(Fd fd) {
        this.fd = fd;
    }

    /** eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK). */
    public static EventFd create() throws LinuxException {
        try {
            int n = (int) eventfd.HANDLE.invokeExact(Libc.errnoSlot(), 0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (n < 0) throw Calls.fail("eventfd");
            return new EventFd(Fd.adopt(n));
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** The descriptor, to register with epoll. Owned by this object. */
    public Fd fd() {
        return fd;
    }

    /** Makes the eventfd readable. */
    public void signal() throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            Unistd.write(fd, arena.allocateFrom(JAVA_LONG, 1L), 8);
        }
    }

    /** Resets the eventfd to not readable. */
    public void drain() throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment counter = arena.allocate(JAVA_LONG);
            Unistd.read(fd, counter, 8);
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}

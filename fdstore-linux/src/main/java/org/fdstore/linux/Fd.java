package org.fdstore.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One owned file descriptor.
 *
 * <p>Closing is idempotent and happens exactly once. Calls in flight on the descriptor are counted, and the last of
 * them runs close(2), so the number is never reused by the kernel while a call still uses it. Every descriptor this
 * project opens is close-on-exec.
 *
 * <p>Thread safe. Whoever holds an {@code Fd} closes it, unless a method says it takes ownership.
 */
public final class Fd implements AutoCloseable {
    private static final int CLOSED = 1;
    private static final int USE = 2;

    /** On {@link #state}: a field with a VarHandle rather than an AtomicInteger saves 16 bytes per stored fd. */
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Fd.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int number;
    /** Bit 0: closed. The rest: calls in flight, in units of {@link #USE}. Accessed through {@link #STATE}. */
    private volatile int state;

    private Fd(int number) {
        this.number = number;
    }

    /**
     * Takes ownership of a descriptor number this process holds, such as one inherited at exec or returned by a
     * system call. The caller must not close the number itself afterwards.
     */
    public static Fd adopt(int number) {
        if (number < 0) throw new IllegalArgumentException("fd number must be >= 0, got " + number);
        return new Fd(number);
    }

    /** The descriptor number, for messages and for placing fds at exec; never close it behind this object's back. */
    public int number() {
        return number;
    }

    /** Whether {@link #close()} has not been called yet. */
    public boolean isOpen() {
        return (state & CLOSED) == 0;
    }

    /** Marks a call in flight and returns the number; pair with {@link #release()}. Fails with EBADF once closed. */
    int acquire() throws LinuxException {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) throw new LinuxException("fd " + number, Errno.EBADF, "already closed here");
        } while (!STATE.compareAndSet(this, s, s + USE));
        return number;
    }

    /** Ends a call started by {@link #acquire()}; the last one out closes a descriptor already marked closed. */
    void release() {
        if ((int) STATE.getAndAdd(this, -USE) - USE == CLOSED) Unistd.close(number);
    }

    /** Closes the descriptor now, or when the last call in flight on it ends. Harmless when repeated. */
    @Override
    public void close() {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) return;
        } while (!STATE.compareAndSet(this, s, s | CLOSED));
        if (s == 0) Unistd.close(number);
    }

    /**
     * Gives up ownership without closing: afterwards this object is closed and the caller owns the number.
     * Fails with EBADF if already closed, and with EBUSY while a call is in flight on it.
     */
    int detach() throws LinuxException {
        if (STATE.compareAndSet(this, 0, CLOSED)) return number;
        throw new LinuxException("fd " + number, isOpen() ? Errno.EBUSY : Errno.EBADF,
                isOpen() ? "a call is in flight on it" : "already closed here");
    }

    /** A new descriptor for the same open file description (F_DUPFD_CLOEXEC). */
    public Fd duplicate() throws LinuxException {
        return Fcntl.dupCloexec(this);
    }

    /** What this descriptor refers to: kind, target and open flags. */
    public FdDescription describe() throws LinuxException {
        return FdDescription.of(this);
    }

    @Override
    public String toString() {
        return "fd " + number + (isOpen() ? "" : " (closed)");
    }
}

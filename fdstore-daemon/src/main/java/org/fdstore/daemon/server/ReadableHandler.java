package org.fdstore.daemon.server;

/**
 * Handles readiness of an fd registered with {@link Server#watchReadable}. Runs on the event loop's thread, which
 * owns the store, so it may use {@link Server#store()} freely; it must not block, and must not throw (whatever
 * goes wrong is logged and dropped by the handler itself).
 */
@FunctionalInterface
public interface ReadableHandler {
    /** The fd is readable (or in error: {@code events} holds the epoll bits). */
    void readable(int events);
}

package org.fdstore.daemon.server;

/**
 * The event loop's fixed limits and tuning.
 *
 * @param maxConnections   clients connected at once; more are accepted and closed at once
 * @param maxQueuedFds     fds held in replies that wait for slow clients, across all of them
 * @param slowClientMillis how long a client may leave its replies unread before it is dropped
 * @param busyPollMicros   how long the loop polls for the next request after a busy turn before it sleeps in
 *                         epoll_wait(2): a request that comes meanwhile spares the daemon a wake-up across CPUs
 *                         (~40 µs here); 0 sleeps at once
 */
public record ServerLimits(int maxConnections, int maxQueuedFds, long slowClientMillis, int busyPollMicros) {
    /** The default of {@link #busyPollMicros}: a little more than a client takes between two requests. */
    public static final int DEFAULT_BUSY_POLL_MICROS = 50;

    /** The defaults: 512 connections, 1024 queued fds, 10 seconds, 50 µs of polling. */
    public static ServerLimits defaults() {
        return new ServerLimits(512, 1024, 10_000, DEFAULT_BUSY_POLL_MICROS);
    }

    /** These limits with {@code micros} of polling. */
    public ServerLimits withBusyPollMicros(int micros) {
        return new ServerLimits(maxConnections, maxQueuedFds, slowClientMillis, micros);
    }
}

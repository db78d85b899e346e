package org.fdstore.daemon.server;

/**
 * The event loop's fixed limits and tuning.
 *
 * @param maxConnections   clients connected at once; more are accepted, told EAGAIN and closed at once
 * @param maxQueuedFds     fds held in replies that wait for slow clients, across all of them
 * @param slowClientMillis how long a client may leave its replies unread before it is dropped
 * @param busyPollMicros   how long the loop polls for the next request after a busy turn before it sleeps in
 *                         epoll_wait(2): a request that comes meanwhile spares the daemon a wake-up across CPUs
 *                         (~40 µs here); 0 sleeps at once
 * @param connectionsPerUid clients of one uid connected at once (root and the daemon's own uid excepted); more are
 *                         accepted, told EUSERS and closed at once; 0 means a quarter of {@code maxConnections}
 * @param notifyPerSecond  sd_notify datagrams the notify socket takes from one uid per second; more are dropped
 */
public record ServerLimits(int maxConnections, int maxQueuedFds, long slowClientMillis, int busyPollMicros,
        int connectionsPerUid, int notifyPerSecond) {
    /** The default of {@link #busyPollMicros}: a little more than a client takes between two requests. */
    public static final int DEFAULT_BUSY_POLL_MICROS = 50;
    /** The default of {@link #maxConnections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
    /**
     * The default of {@link #notifyPerSecond}: far more than a service sends (READY, STATUS, a few FDSTORE of up to
     * 253 fds each), far less than a loop that sends as fast as the kernel takes.
     */
    public static final int DEFAULT_NOTIFY_PER_SECOND = 200;

    /** Checks the limits. */
    public ServerLimits {
        if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be at least 1");
        if (connectionsPerUid < 0 || connectionsPerUid > maxConnections) {
            throw new IllegalArgumentException("connectionsPerUid must be 0 to maxConnections (" + maxConnections
                    + "), not " + connectionsPerUid);
        }
        if (notifyPerSecond < 1) throw new IllegalArgumentException("notifyPerSecond must be at least 1");
    }

    /** The defaults: 512 connections (128 per uid), 1024 queued fds, 10 seconds, 50 µs of polling, 200 datagrams/s. */
    public static ServerLimits defaults() {
        return new ServerLimits(DEFAULT_MAX_CONNECTIONS, 1024, 10_000, DEFAULT_BUSY_POLL_MICROS, 0,
                DEFAULT_NOTIFY_PER_SECOND);
    }

    /** The connections one uid may hold: {@link #connectionsPerUid}, or a quarter of the total if that is 0. */
    public int perUidConnectionLimit() {
        return connectionsPerUid != 0 ? connectionsPerUid : Math.max(1, maxConnections / 4);
    }

    /** These limits with {@code micros} of polling. */
    public ServerLimits withBusyPollMicros(int micros) {
        return new ServerLimits(maxConnections, maxQueuedFds, slowClientMillis, micros, connectionsPerUid,
                notifyPerSecond);
    }

    /**
     * These limits with {@code max} connections in all, {@code perUid} per uid (0: a quarter of {@code max}) and
     * {@code notifyPerSecond} notify datagrams per uid per second.
     *
     * @throws IllegalArgumentException if a number is out of range
     */
    public ServerLimits withFairShare(int max, int perUid, int notifyPerSecond) {
        return new ServerLimits(max, maxQueuedFds, slowClientMillis, busyPollMicros, perUid, notifyPerSecond);
    }
}

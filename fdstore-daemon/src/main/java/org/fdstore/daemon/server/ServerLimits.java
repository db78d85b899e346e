package org.fdstore.daemon.server;

/**
 * The event loop's fixed limits.
 *
 * @param maxConnections   clients connected at once; more are accepted and closed at once
 * @param maxQueuedFds     fds held in replies that wait for slow clients, across all of them
 * @param slowClientMillis how long a client may leave its replies unread before it is dropped
 */
public record ServerLimits(int maxConnections, int maxQueuedFds, long slowClientMillis) {
    /** The defaults: 512 connections, 1024 queued fds, 10 seconds. */
    public static ServerLimits defaults() {
        return new ServerLimits(512, 1024, 10_000);
    }
}

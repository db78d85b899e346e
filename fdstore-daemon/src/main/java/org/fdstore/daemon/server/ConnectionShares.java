package org.fdstore.daemon.server;

import java.util.HashMap;
import java.util.Map;

/**
 * How many connections each uid holds, against the per-uid limit, so that one uid that holds its limit leaves the
 * rest of the connections to the others. Root and the daemon's own uid are not limited: they run the daemon, its
 * standby and its successor, which must always get in, and could stop the daemon anyway.
 *
 * <p>Not thread safe: owned by the event loop.
 */
final class ConnectionShares {
    private final int limit;
    private final int daemonUid;
    /** Connections held, for uids that hold at least one. */
    private final Map<Integer, Integer> held = new HashMap<>();

    ConnectionShares(int limit, int daemonUid) {
        this.limit = limit;
        this.daemonUid = daemonUid;
    }

    /** The most connections an unprivileged uid may hold. */
    int limit() {
        return limit;
    }

    /** Whether {@code uid} may open one more connection. */
    boolean mayConnect(int uid) {
        return uid == 0 || uid == daemonUid || held(uid) < limit;
    }

    /** The connections {@code uid} holds. */
    int held(int uid) {
        return held.getOrDefault(uid, 0);
    }

    /** Counts a connection of {@code uid}. */
    void connected(int uid) {
        held.merge(uid, 1, Integer::sum);
    }

    /** Forgets a connection of {@code uid} (closed, or handed to the continuity layer). */
    void disconnected(int uid) {
        held.computeIfPresent(uid, (u, n) -> n > 1 ? n - 1 : null);
    }
}

package org.fdstore.daemon.systemd;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The per-uid rate limit of the notify socket: each uid may have {@code perSecond} datagrams carried out in each
 * one-second window of its own; the rest of the window's datagrams are dropped (their fds closed) and counted. A uid
 * that floods the socket thus costs the loop a recvmsg and a close per datagram, and takes nothing from the others.
 *
 * <p>The uid comes from SCM_CREDENTIALS, which the kernel checks (only root may claim another uid).
 *
 * <p>Not thread safe: owned by the event loop.
 */
final class NotifyRateLimit {
    static final long WINDOW_NANOS = 1_000_000_000L;
    /** Past this many uids, windows that have ended are forgotten, so that the map stays small. */
    private static final int MAX_UIDS = 1024;

    /** What {@link #admit} decided about one datagram. */
    enum Decision {
        /** Within the limit: carry it out. */
        ADMIT,
        /** Over the limit, the first time in this window: drop it and log that the uid is limited. */
        DROP_AND_LOG,
        /** Over the limit again in the same window: drop it, counted only. */
        DROP
    }

    private static final class Window {
        long startNanos;
        int admitted;
        long droppedTotal;
    }

    private final int perSecond;
    private final LongSupplier nanoTime;
    private final Map<Integer, Window> windows = new HashMap<>();

    NotifyRateLimit(int perSecond, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
    }

    int perSecond() {
        return perSecond;
    }

    /** Whether a datagram of {@code uid} that came now is carried out. */
    Decision admit(int uid) {
        long now = nanoTime.getAsLong();
        Window w = windows.get(uid);
        if (w == null) {
            if (windows.size() >= MAX_UIDS) windows.values().removeIf(old -> now - old.startNanos >= WINDOW_NANOS);
            w = new Window();
            w.startNanos = now;
            windows.put(uid, w);
        } else if (now - w.startNanos >= WINDOW_NANOS) {
            w.startNanos = now;
            w.admitted = 0;
        }
        if (w.admitted < perSecond) {
            w.admitted++;
            return Decision.ADMIT;
        }
        w.droppedTotal++;
        // admitted counts on past the limit once, so that the first drop of a window is told from the others.
        if (w.admitted++ == perSecond) return Decision.DROP_AND_LOG;
        return Decision.DROP;
    }

    /** Datagrams of {@code uid} dropped since it was first seen (or since its window was forgotten). */
    long droppedTotal(int uid) {
        Window w = windows.get(uid);
        return w == null ? 0 : w.droppedTotal;
    }
}

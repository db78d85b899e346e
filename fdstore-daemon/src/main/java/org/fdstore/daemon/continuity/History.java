package org.fdstore.daemon.continuity;

import java.time.Instant;
import java.util.Map;
import org.fdstore.protocol.DaemonStatus;

/**
 * When the store started serving and its last handover or failover, carried from each serving process to the next
 * so that {@code fdstore status} can tell.
 *
 * @param startedAtMillis when the first process of the chain started serving, ms since the epoch
 * @param lastTransition {@code none}, {@code handover} or {@code failover}
 * @param lastTransitionAtMillis when, ms since the epoch; 0 for none
 * @param pauseMillis how long no process served, ms; -1 for none
 */
public record History(long startedAtMillis, String lastTransition, long lastTransitionAtMillis, long pauseMillis) {
    /** A store that starts now. */
    public static History startingNow() {
        return new History(System.currentTimeMillis(), "none", 0, -1);
    }

    /** This history after a {@code kind} transition now, after a pause of {@code pauseMillis}. */
    public History after(String kind, long pauseMillis) {
        return new History(startedAtMillis, kind, System.currentTimeMillis(), pauseMillis);
    }

    void put(Map<String, String> pairs) {
        pairs.put("started_at_ms", Long.toString(startedAtMillis));
        pairs.put("last_transition", lastTransition);
        pairs.put("last_transition_at_ms", Long.toString(lastTransitionAtMillis));
        pairs.put("last_transition_pause_ms", Long.toString(pauseMillis));
    }

    static History from(Map<String, String> pairs) {
        try {
            return new History(Long.parseLong(pairs.get("started_at_ms")), pairs.get("last_transition"),
                    Long.parseLong(pairs.get("last_transition_at_ms")),
                    Long.parseLong(pairs.get("last_transition_pause_ms")));
        } catch (RuntimeException e) {
            return startingNow();
        }
    }

    void describe(DaemonStatus.Builder status) {
        status.startedAt(Instant.ofEpochMilli(startedAtMillis));
        DaemonStatus.Transition kind = switch (lastTransition) {
            case "handover" -> DaemonStatus.Transition.HANDOVER;
            case "failover" -> DaemonStatus.Transition.FAILOVER;
            default -> DaemonStatus.Transition.NONE;
        };
        status.lastTransition(kind, Instant.ofEpochMilli(lastTransitionAtMillis), Math.max(0, pauseMillis));
    }
}

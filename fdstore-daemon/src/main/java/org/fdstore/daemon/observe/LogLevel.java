package org.fdstore.daemon.observe;

import java.util.Locale;

/**
 * How much the daemon logs ({@code fdstore daemon --log-level}). Lifecycle events (listening, handover, failover,
 * policy loads, drops) and refusals are {@link #INFO}; per-request and per-entry lines (connect, save, restore,
 * remove, expire, notify) are {@link #DEBUG}, so that a store busy with a FUSE mount's inodes logs megabytes an
 * hour, not gigabytes; failures of the daemon's own machinery are {@link #WARNING}.
 */
public enum LogLevel {
    /** Every line, one or more per request. */
    DEBUG,
    /** Lifecycle events, refusals and warnings: the default. */
    INFO,
    /** Only what went wrong in the daemon itself. */
    WARNING;

    /** The name on the command line and in the CONFIG frame: {@code debug}, {@code info} or {@code warning}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The level named {@code text}, in any case.
     *
     * @throws IllegalArgumentException naming the text and the levels there are
     */
    public static LogLevel parse(String text) {
        for (LogLevel level : values()) {
            if (level.label().equalsIgnoreCase(text)) return level;
        }
        throw new IllegalArgumentException("unknown log level \"" + text + "\": give debug, info or warning");
    }
}

package org.fdstore.daemon.lifetime;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that reads the wall time once, at creation, and then advances with {@link System#nanoTime()}: time to
 * live and grace periods must not jump when someone sets the system clock. Times it reports are close to the wall
 * clock, and drift from it only by the clock changes made since the daemon started.
 *
 * <p>Immutable and thread safe.
 */
public final class MonotonicClock extends Clock {
    private final long baseMillis;
    private final long baseNanos;

    /** A clock anchored to the wall time now. */
    public MonotonicClock() {
        this(System.currentTimeMillis(), System.nanoTime());
    }

    /**
     * A clock with another clock's anchor ({@link #baseMillis()}, {@link #baseNanos()}). {@link System#nanoTime()}
     * reads CLOCK_MONOTONIC, which is the same for every process of the system, so a successor daemon built with its
     * predecessor's anchor reports exactly the times the predecessor would: saved-at times and deadlines move over
     * unchanged.
     */
    public MonotonicClock(long baseMillis, long baseNanos) {
        this.baseMillis = baseMillis;
        this.baseNanos = baseNanos;
    }

    /** The wall time at the anchor, in milliseconds since the epoch. */
    public long baseMillis() {
        return baseMillis;
    }

    /** {@link System#nanoTime()} at the anchor. */
    public long baseNanos() {
        return baseNanos;
    }

    @Override
    public long millis() {
        return baseMillis + (System.nanoTime() - baseNanos) / 1_000_000L;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(ZoneOffset.UTC)) return this;
        throw new UnsupportedOperationException("a monotonic clock is UTC only");
    }
}

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

    private MonotonicClock(long baseMillis, long baseNanos) {
        this.baseMillis = baseMillis;
        this.baseNanos = baseNanos;
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

package org.fdstore.linux;

/**
 * A {@code struct timespec}: seconds and nanoseconds since the epoch, as stat(2) reports and utimensat(2) takes.
 *
 * <p>For utimensat, {@link #NOW} and {@link #OMIT} carry the special nanosecond values UTIME_NOW and UTIME_OMIT.
 * Immutable and thread safe.
 *
 * @param sec  seconds (tv_sec)
 * @param nsec nanoseconds, 0 to 999,999,999, or {@link Stat#UTIME_NOW} or {@link Stat#UTIME_OMIT} (tv_nsec)
 */
public record Timespec(long sec, long nsec) {
    /** utimensat: set this time to the current time. */
    public static final Timespec NOW = new Timespec(0, Stat.UTIME_NOW);
    /** utimensat: leave this time unchanged. */
    public static final Timespec OMIT = new Timespec(0, Stat.UTIME_OMIT);
}

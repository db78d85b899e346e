package org.fdstore.protocol;

/**
 * How long an entry lives, chosen at SAVE: until removed (the default), until a time-to-live runs out, while the
 * saving process lives plus a grace period, and whether a hang-up of its fd drops it.
 *
 * <p>On the wire: {@code u64} ttl in milliseconds (0: none), {@code u32} grace in milliseconds, {@code u32} flags
 * ({@link #OWNER_BOUND}, {@link #KEEP_ON_HANGUP}; other bits are reserved and make the frame malformed).
 *
 * <p>Immutable and thread safe.
 *
 * @param ttlMillis milliseconds after the save at which the entry is closed, 0 for no limit; a u64
 * @param ownerBound whether the entry is released once the saving process has exited and nobody restored it within
 *     {@code graceMillis}
 * @param graceMillis with {@code ownerBound}: how long after the owner's exit a restore may still claim the entry;
 *     a u32
 * @param keepOnHangup whether to keep the entry when its fd reports POLLHUP or POLLERR (by default it is dropped,
 *     as systemd's fd store does)
 */
public record Lifetime(long ttlMillis, boolean ownerBound, int graceMillis, boolean keepOnHangup) {
    /** Flag bit 0: released when the saver has exited and the grace has passed. */
    public static final int OWNER_BOUND = 1;
    /** Flag bit 1: not dropped on POLLHUP or POLLERR. */
    public static final int KEEP_ON_HANGUP = 2;
    /** The flags version 1 defines. */
    static final int DEFINED_FLAGS = OWNER_BOUND | KEEP_ON_HANGUP;

    /** Until removed, dropped on hang-up. */
    public static final Lifetime DEFAULT = new Lifetime(0, false, 0, false);

    /** The lifetime with these wire fields. */
    static Lifetime of(long ttlMillis, int graceMillis, int flags) {
        return new Lifetime(ttlMillis, (flags & OWNER_BOUND) != 0, graceMillis, (flags & KEEP_ON_HANGUP) != 0);
    }

    /** The flags field of the wire. */
    public int flags() {
        return (ownerBound ? OWNER_BOUND : 0) | (keepOnHangup ? KEEP_ON_HANGUP : 0);
    }

    /** The grace as an unsigned number of milliseconds. */
    public long graceMillisUnsigned() {
        return Integer.toUnsignedLong(graceMillis);
    }

    /** {@code until-removed}, or the parts that apply, e.g. {@code ttl=60000ms,owner-bound(grace=5000ms),keep-on-hangup}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (ttlMillis != 0) b.append("ttl=").append(Long.toUnsignedString(ttlMillis)).append("ms");
        if (ownerBound) {
            if (!b.isEmpty()) b.append(',');
            b.append("owner-bound(grace=").append(graceMillisUnsigned()).append("ms)");
        }
        if (b.isEmpty()) b.append("until-removed");
        b.append(keepOnHangup ? ",keep-on-hangup" : ",drop-on-hangup");
        return b.toString();
    }
}

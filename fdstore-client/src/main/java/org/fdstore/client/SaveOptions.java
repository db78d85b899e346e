package org.fdstore.client;

import java.time.Duration;
import java.util.Objects;
import org.fdstore.protocol.Lifetime;

/**
 * Where a saved entry lives and for how long: its namespace, a time to live, whether it is bound to the saving
 * process, and whether a hang-up of its fd drops it. Start from {@link #DEFAULT} (the default namespace, until
 * removed, dropped on hang-up) and change what you need:
 *
 * <pre>{@code
 * store.save(fd, "conn", null, SaveOptions.DEFAULT.withNamespace("fuse.7").withOwnerBound(Duration.ofSeconds(30)));
 * }</pre>
 *
 * <p>Immutable and thread safe.
 *
 * @param namespace the namespace, or null for the namespace of a qualified name, else this peer's default one
 * @param ttl closes the entry this long after the save; null for no limit
 * @param ownerBound releases the entry once this process has exited and nobody restored it within {@code grace}
 * @param grace with {@code ownerBound}: how long after this process exits a restore may still claim the entry
 * @param keepOnHangup keeps the entry when its fd reports POLLHUP or POLLERR
 */
public record SaveOptions(String namespace, Duration ttl, boolean ownerBound, Duration grace, boolean keepOnHangup) {
    /** The default namespace, until removed, dropped on hang-up. */
    public static final SaveOptions DEFAULT = new SaveOptions(null, null, false, null, false);

    /**
     * Checks the durations.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive, {@code grace} is negative or longer than
     *     2^32 - 1 ms, or {@code grace} is set without {@code ownerBound}
     */
    public SaveOptions {
        if (ttl != null && (ttl.isNegative() || ttl.isZero() || ttl.toMillis() == 0)) {
            throw new IllegalArgumentException("a ttl must be at least 1 ms, not " + ttl);
        }
        if (grace != null && (grace.isNegative() || grace.toMillis() > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("a grace must be 0 to 4294967295 ms, not " + grace);
        }
        if (grace != null && !grace.isZero() && !ownerBound) {
            throw new IllegalArgumentException("a grace applies to owner-bound entries only");
        }
    }

    /** These options in {@code namespace}. */
    public SaveOptions withNamespace(String namespace) {
        return new SaveOptions(Objects.requireNonNull(namespace, "namespace"), ttl, ownerBound, grace, keepOnHangup);
    }

    /** These options with a time to live. */
    public SaveOptions withTtl(Duration ttl) {
        return new SaveOptions(namespace, Objects.requireNonNull(ttl, "ttl"), ownerBound, grace, keepOnHangup);
    }

    /** These options, bound to this process with a grace after its exit. */
    public SaveOptions withOwnerBound(Duration grace) {
        return new SaveOptions(namespace, ttl, true, Objects.requireNonNull(grace, "grace"), keepOnHangup);
    }

    /** These options, kept when the fd hangs up. */
    public SaveOptions withKeepOnHangup() {
        return new SaveOptions(namespace, ttl, ownerBound, grace, true);
    }

    /** The lifetime on the wire. */
    public Lifetime lifetime() {
        return new Lifetime(ttl == null ? 0 : ttl.toMillis(), ownerBound, grace == null ? 0 : (int) grace.toMillis(),
                keepOnHangup);
    }
}

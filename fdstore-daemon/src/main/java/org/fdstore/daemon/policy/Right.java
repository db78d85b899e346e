package org.fdstore.daemon.policy;

import java.util.Locale;
import java.util.Optional;

/**
 * One thing a peer may do in a namespace. A set of rights is an int with one bit per right.
 *
 * <p>Immutable and thread safe.
 */
public enum Right {
    /** Store an fd (SAVE). */
    SAVE,
    /** Get a duplicate of a stored fd (RESTORE). */
    RESTORE,
    /** Get a stored fd and remove its entry (TAKE). */
    TAKE,
    /** Remove an entry (REMOVE). */
    REMOVE,
    /** See an entry in LIST. */
    LIST,
    /** See an entry in INSPECT. */
    INSPECT,
    /** Close entries in bulk (DROP). */
    DROP,
    /** Move every entry of a namespace at once, for handover (reserved: parsed, not yet used by a request). */
    DUMP;

    /** Every right. */
    public static final int ALL = (1 << values().length) - 1;

    /** This right's bit. */
    public int bit() {
        return 1 << ordinal();
    }

    /** Whether {@code rights} holds this right. */
    public boolean in(int rights) {
        return (rights & bit()) != 0;
    }

    /** The lower-case word the policy file uses. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The right a policy file's word names, if any. */
    public static Optional<Right> ofWord(String word) {
        for (Right r : values()) {
            if (r.word().equals(word)) return Optional.of(r);
        }
        return Optional.empty();
    }
}

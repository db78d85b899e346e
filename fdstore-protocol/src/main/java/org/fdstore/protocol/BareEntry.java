package org.fdstore.protocol;

import java.util.Objects;

/**
 * An entry as a bare RESTORE_MANY reply names it ({@link Limits#FLAG_BARE}): its id and its name, without the rest of
 * {@link EntryInfo}. Immutable and thread safe.
 *
 * @param id the entry's id, 1 or more
 * @param name the entry's name within its namespace, or {@code ""} when unnamed
 */
public record BareEntry(long id, String name) {
    /** Bytes of a bare entry besides its name. */
    static final int FIXED_SIZE = 8 + 2;

    /** @throws NullPointerException if {@code name} is null */
    public BareEntry {
        Objects.requireNonNull(name, "name");
    }
}

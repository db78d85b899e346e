package org.fdstore.client;

import java.util.Objects;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.EntryInfo;

/**
 * A restored (or taken) descriptor and what the store knew about it.
 *
 * <p>The caller owns {@link #fd()} and closes it, directly or by closing this record. The record itself is
 * immutable and thread safe, as {@link Fd} is.
 *
 * @param entry the entry as the daemon described it when it sent the fd
 * @param fd a new descriptor for the stored open file description (shared offset and status flags),
 *     close-on-exec
 */
public record Restored(EntryInfo entry, Fd fd) implements AutoCloseable {
    /** @throws NullPointerException if an argument is null */
    public Restored {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(fd, "fd");
    }

    /** Closes {@link #fd()}; harmless when repeated. */
    @Override
    public void close() {
        fd.close();
    }
}

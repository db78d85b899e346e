package org.fdstore.client;

import java.util.Objects;
import org.fdstore.linux.Fd;

/**
 * A descriptor restored by {@link FdStore#restoreFds}, with the id and name of its entry, and nothing else of it.
 *
 * <p>The caller owns {@link #fd()} and closes it, directly or by closing this record. The record itself is immutable
 * and thread safe, as {@link Fd} is.
 *
 * @param id the entry's id
 * @param name the entry's name within its namespace, or {@code ""} when unnamed
 * @param fd a new descriptor for the stored open file description (shared offset and status flags), close-on-exec
 */
public record RestoredFd(long id, String name, Fd fd) implements AutoCloseable {
    /** @throws NullPointerException if {@code name} or {@code fd} is null */
    public RestoredFd {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fd, "fd");
    }

    /** Closes {@link #fd()}; harmless when repeated. */
    @Override
    public void close() {
        fd.close();
    }
}

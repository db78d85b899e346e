package org.fdstore.client;

import java.util.Objects;
import org.fdstore.linux.Fd;

/**
 * One fd to save with {@link FdStore#saveAll}, with what a single {@link FdStore#save(Fd, String, byte[],
 * SaveOptions) save} would take.
 *
 * <p>The caller keeps ownership of {@link #fd()}: saving takes the daemon's own reference. Immutable and thread
 * safe; the metadata array is the caller's and must not change until the save returns.
 *
 * @param fd the descriptor to save
 * @param name a name, bare or {@code namespace/name}, or null for an unnamed entry
 * @param metadata up to 64 KiB kept with the entry, or null for none
 * @param options namespace and lifetime; {@link SaveOptions#DEFAULT} for the default namespace, until removed
 */
public record SaveItem(Fd fd, String name, byte[] metadata, SaveOptions options) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if {@code fd} or {@code options} is null
     */
    public SaveItem {
        Objects.requireNonNull(fd, "fd");
        Objects.requireNonNull(options, "options");
    }

    /** An unnamed entry in the default namespace, until removed. */
    public static SaveItem of(Fd fd) {
        return new SaveItem(fd, null, null, SaveOptions.DEFAULT);
    }

    /** A named entry (bare or {@code namespace/name}), until removed. */
    public static SaveItem of(Fd fd, String name) {
        return new SaveItem(fd, name, null, SaveOptions.DEFAULT);
    }
}

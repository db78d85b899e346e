package org.fdstore.daemon.registry;

import org.fdstore.linux.Fd;
import org.fdstore.linux.FdDescription;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import java.nio.charset.StandardCharsets;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Limits;

/**
 * One stored descriptor and what is known of it. The registry owns the {@link Fd}: it is closed when the entry is
 * removed and every reply that carries it has been sent.
 *
 * <p>Not thread safe: only the daemon's event loop touches entries.
 */
public final class Entry {
    private final long id;
    private final String name;
    private final Fd fd;
    private final byte[] metadata;
    private final PeerCredentials owner;
    private final long savedAtMillis;
    private final FdDescription description;

    Entry(long id, String name, Fd fd, byte[] metadata, PeerCredentials owner, long savedAtMillis,
          FdDescription description) {
        this.id = id;
        this.name = name;
        this.fd = fd;
        this.metadata = metadata;
        this.owner = owner;
        this.savedAtMillis = savedAtMillis;
        this.description = description;
    }

    /** The entry's id, the smallest free integer ≥ 1 when it was saved. */
    public long id() {
        return id;
    }

    /** The entry's unique name, or "" if it has none. */
    public String name() {
        return name;
    }

    /** The stored descriptor, owned by the registry. */
    public Fd fd() {
        return fd;
    }

    /** The process that saved it, as the kernel reported it. */
    public PeerCredentials owner() {
        return owner;
    }

    /** What the descriptor referred to when it was saved. */
    public FdDescription description() {
        return description;
    }

    /** The entry as the protocol sends it, with the description recorded at save time. */
    public EntryInfo info() {
        return info(description);
    }

    /** The entry with a fresh description: the target may have been deleted, the flags changed. */
    public EntryInfo freshInfo() {
        try {
            return info(fd.describe());
        } catch (LinuxException e) {
            return info();
        }
    }

    private EntryInfo info(FdDescription d) {
        return new EntryInfo(id, name, d.kind(), d.openFlags(), owner.pid(), owner.uid(), owner.gid(),
                savedAtMillis, fitTarget(d.target()), metadata);
    }

    /** A path of PATH_MAX plus " (deleted)" can exceed the wire's limit: cut it at a character boundary. */
    static String fitTarget(String target) {
        if (target.length() * 3 <= Limits.MAX_TARGET_BYTES) return target;
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= Limits.MAX_TARGET_BYTES) return target;
        int end = Limits.MAX_TARGET_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) end--;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}

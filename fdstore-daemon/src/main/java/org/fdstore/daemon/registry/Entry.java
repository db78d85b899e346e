package org.fdstore.daemon.registry;

import java.nio.charset.StandardCharsets;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FdDescription;
import org.fdstore.linux.FileKind;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Lifetime;
import org.fdstore.protocol.Limits;

/**
 * One stored descriptor and what is known of it. The registry owns the {@link Fd}: it is closed when the entry is
 * removed and every reply that carries it has been sent.
 *
 * <p>Not thread safe: only the daemon's event loop touches entries.
 */
public final class Entry {
    private static final byte[] NO_METADATA = {};

    private final long id;
    private final String namespace;
    private final String name;
    private final Fd fd;
    private final byte[] metadata;
    private final PeerCredentials owner;
    private final long savedAtMillis;
    /** What the fd referred to at save, kept field by field rather than as FdDescription and its 128-byte FileStat. */
    private final FileKind kind;
    /** UTF-8: a String would add its own 24-byte object to every entry, for a field read only by info(). */
    private final byte[] target;
    private final int openFlags;
    private final Lifetime lifetime;
    /**
     * Whether other entries may carry the same name: true for entries stored through the systemd notify socket,
     * whose fd store allows duplicate names; false for SAVE, whose names are unique in their namespace.
     */
    private final boolean sharedName;
    /** The mount the fd was opened through, read from fdinfo on first need; 0 until then, -1 if unreadable. */
    private int mountId;

    Entry(long id, String namespace, String name, Fd fd, byte[] metadata, PeerCredentials owner, long savedAtMillis,
          FdDescription description, Lifetime lifetime, boolean sharedName) {
        this.id = id;
        this.namespace = namespace;
        this.name = name;
        this.fd = fd;
        // Most entries have neither metadata nor a lifetime of their own: share one empty array and the default.
        this.metadata = metadata.length == 0 ? NO_METADATA : metadata;
        this.owner = owner;
        this.savedAtMillis = savedAtMillis;
        this.kind = description.kind();
        this.target = fitTarget(description.target()).getBytes(StandardCharsets.UTF_8);
        this.openFlags = description.openFlags();
        this.lifetime = Lifetime.DEFAULT.equals(lifetime) ? Lifetime.DEFAULT : lifetime;
        this.sharedName = sharedName;
    }

    /** The entry's id, the smallest free integer ≥ 1 when it was saved. */
    public long id() {
        return id;
    }

    /** The namespace it lives in. */
    public String namespace() {
        return namespace;
    }

    /** The entry's name, unique in its namespace unless {@link #sharedName()}, or "" if it has none. */
    public String name() {
        return name;
    }

    /** {@code namespace/name}, or "" when unnamed. */
    public String qualifiedName() {
        return name.isEmpty() ? "" : namespace + "/" + name;
    }

    /** The stored descriptor, owned by the registry. */
    public Fd fd() {
        return fd;
    }

    /** The process that saved it, as the kernel reported it. */
    public PeerCredentials owner() {
        return owner;
    }

    /** When it was saved, by the daemon's clock. */
    public long savedAtMillis() {
        return savedAtMillis;
    }

    /** The metadata saved with it; the array is the entry's own, so do not change it. */
    public byte[] metadata() {
        return metadata;
    }

    /** Bytes of metadata it holds, for quotas. */
    public int metadataBytes() {
        return metadata.length;
    }

    /** What kind of file the descriptor referred to when it was saved. */
    public FileKind kind() {
        return kind;
    }



    /** The lifetime chosen at save. */
    public Lifetime lifetime() {
        return lifetime;
    }

    /** Whether other entries of its namespace may have the same name (systemd's fd store rule). */
    public boolean sharedName() {
        return sharedName;
    }

    /** The mount id read from fdinfo, 0 if not read yet, -1 if it could not be. It never changes for an fd. */
    public int knownMountId() {
        return mountId;
    }

    /** Remembers the mount id once read. */
    public void rememberMountId(int id) {
        this.mountId = id;
    }

    /** The entry as the protocol sends it, with the description recorded at save time. */
    public EntryInfo info() {
        return new EntryInfo(id, name, namespace, kind, openFlags, owner.pid(), owner.uid(), owner.gid(),
                savedAtMillis, new String(target, StandardCharsets.UTF_8), metadata);
    }

    /** The entry with a fresh description: the target may have been deleted, the flags changed. */
    public EntryInfo freshInfo() {
        try {
            FdDescription d = fd.describe();
            return new EntryInfo(id, name, namespace, d.kind(), d.openFlags(), owner.pid(), owner.uid(), owner.gid(),
                    savedAtMillis, fitTarget(d.target()), metadata);
        } catch (LinuxException e) {
            return info();
        }
    }

    /** A path of PATH_MAX plus " (deleted)" can exceed the wire's limit: cut it at a character boundary. */
    public static String fitTarget(String target) {
        return fit(target, Limits.MAX_TARGET_BYTES);
    }

    /** {@code text} cut to at most {@code maxBytes} of UTF-8, at a character boundary. */
    public static String fit(String text, int maxBytes) {
        if (text.length() * 3 <= maxBytes) return text;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) return text;
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) end--;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}

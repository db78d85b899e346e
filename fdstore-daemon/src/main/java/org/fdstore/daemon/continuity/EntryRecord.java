package org.fdstore.daemon.continuity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.fdstore.daemon.lifetime.Lifetimes;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.protocol.Lifetime;

/**
 * Everything one entry is, as it moves from a serving daemon to a mirror: the one place that knows the record's
 * fields and their bytes, so that a field added to entries is added here only.
 *
 * <p>On the wire (little-endian, strings as in docs/protocol.md): {@code u64} id, {@code string} namespace,
 * {@code string} name, {@code blob} metadata, {@code i32} saver pid, {@code u32} saver uid, {@code u32} saver gid,
 * {@code u64} saved at (ms, the daemon clock), {@code lifetime} (u64 ttl, u32 grace, u32 flags), {@code i32} bound
 * pid, {@code u64} owner exited at (0: lives or not owner-bound), {@code u8} flags: bit 0 set if an owner pidfd
 * follows the entry's fd in the frame's fds, bit 1 set if the entry's name may be shared (stored through the systemd
 * notify socket). The entry's fd is always there.
 *
 * <p>Immutable and thread safe.
 *
 * @param hasOwnerFd whether the owner's pidfd travels with the entry
 * @param sharedName whether other entries may have the same name ({@link Entry#sharedName()})
 */
public record EntryRecord(long id, String namespace, String name, byte[] metadata, PeerCredentials saver,
                          long savedAtMillis, Lifetime lifetime, int boundPid, long ownerExitedAtMillis,
                          boolean hasOwnerFd, boolean sharedName) {
    private static final int OWNER_FD = 1;
    private static final int SHARED_NAME = 2;

    /** A record of an entry whose name is unique in its namespace. */
    public EntryRecord(long id, String namespace, String name, byte[] metadata, PeerCredentials saver,
                       long savedAtMillis, Lifetime lifetime, int boundPid, long ownerExitedAtMillis,
                       boolean hasOwnerFd) {
        this(id, namespace, name, metadata, saver, savedAtMillis, lifetime, boundPid, ownerExitedAtMillis, hasOwnerFd,
                false);
    }

    /** Bytes {@link #encode} writes for this record at most. */
    public int size() {
        return 8 + 2 + namespace.length() * 3 + 2 + name.length() * 3 + 4 + metadata.length + 12 + 8 + 16 + 4 + 8 + 1;
    }

    /** How many fds go with it: the entry's, and the owner's pidfd if it has one. */
    public int fdCount() {
        return hasOwnerFd ? 2 : 1;
    }

    /** The record of {@code entry} in its current lifetime state. */
    public static EntryRecord of(Entry entry, Lifetimes lifetimes) {
        Lifetimes.State state = lifetimes.state(entry);
        return new EntryRecord(entry.id(), entry.namespace(), entry.name(), entry.metadata(), entry.owner(),
                entry.savedAtMillis(), entry.lifetime(), state.boundPid(), state.ownerExitedAtMillis(),
                lifetimes.owner(entry) != null, entry.sharedName());
    }

    /** Writes the record at {@code out}'s position (a little-endian buffer). */
    public void encode(ByteBuffer out) {
        out.putLong(id);
        putString(out, namespace);
        putString(out, name);
        out.putInt(metadata.length).put(metadata);
        out.putInt(saver.pid()).putInt(saver.uid()).putInt(saver.gid());
        out.putLong(savedAtMillis);
        out.putLong(lifetime.ttlMillis()).putInt(lifetime.graceMillis()).putInt(lifetime.flags());
        out.putInt(boundPid).putLong(ownerExitedAtMillis);
        out.put((byte) ((hasOwnerFd ? OWNER_FD : 0) | (sharedName ? SHARED_NAME : 0)));
    }

    /**
     * Reads one record at {@code in}'s position.
     *
     * @throws java.nio.BufferUnderflowException if it is truncated
     * @throws IllegalArgumentException if a field is out of range
     */
    public static EntryRecord decode(ByteBuffer in) {
        long id = in.getLong();
        String namespace = getString(in);
        String name = getString(in);
        int metadataLength = in.getInt();
        if (metadataLength < 0 || metadataLength > in.remaining()) {
            throw new IllegalArgumentException("metadata of " + Integer.toUnsignedString(metadataLength)
                    + " bytes in a record with " + in.remaining() + " left");
        }
        byte[] metadata = new byte[metadataLength];
        in.get(metadata);
        PeerCredentials saver = new PeerCredentials(in.getInt(), in.getInt(), in.getInt());
        long savedAt = in.getLong();
        long ttl = in.getLong();
        int grace = in.getInt();
        int flags = in.getInt();
        if ((flags & ~(Lifetime.OWNER_BOUND | Lifetime.KEEP_ON_HANGUP)) != 0) {
            throw new IllegalArgumentException("lifetime flags 0x" + Integer.toHexString(flags));
        }
        Lifetime lifetime = new Lifetime(ttl, (flags & Lifetime.OWNER_BOUND) != 0, grace,
                (flags & Lifetime.KEEP_ON_HANGUP) != 0);
        int boundPid = in.getInt();
        long exitedAt = in.getLong();
        int recordFlags = in.get();
        if ((recordFlags & ~(OWNER_FD | SHARED_NAME)) != 0) {
            throw new IllegalArgumentException("record flags " + recordFlags);
        }
        return new EntryRecord(id, namespace, name, metadata, saver, savedAt, lifetime, boundPid, exitedAt,
                (recordFlags & OWNER_FD) != 0, (recordFlags & SHARED_NAME) != 0);
    }

    static void putString(ByteBuffer out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) throw new IllegalArgumentException("string of " + bytes.length + " bytes");
        out.putShort((short) bytes.length).put(bytes);
    }

    static String getString(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw new IllegalArgumentException("string of " + length + " bytes with " + in.remaining() + " left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntryRecord r && id == r.id && namespace.equals(r.namespace) && name.equals(r.name)
                && java.util.Arrays.equals(metadata, r.metadata) && saver.equals(r.saver)
                && savedAtMillis == r.savedAtMillis && lifetime.equals(r.lifetime) && boundPid == r.boundPid
                && ownerExitedAtMillis == r.ownerExitedAtMillis && hasOwnerFd == r.hasOwnerFd
                && sharedName == r.sharedName;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }
}

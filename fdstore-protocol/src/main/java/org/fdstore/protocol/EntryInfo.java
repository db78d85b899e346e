package org.fdstore.protocol;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.fdstore.linux.FileKind;

/**
 * What the store knows about one entry: the {@code entry} of RESTORE, TAKE, LIST and INSPECT replies.
 *
 * <p>The u32 fields ({@code openFlags}, {@code uid}, {@code gid}) and the u64 fields are kept bit for bit in Java's
 * signed types. The metadata array is copied in and out, so an instance is immutable and thread safe; equality
 * compares the metadata by content.
 *
 * @param id the entry's id, 1 or more
 * @param name the entry's name within its namespace, or {@code ""} when unnamed
 * @param namespace the namespace the entry lives in; {@code ""} only from a daemon older than namespaces
 * @param kind what the fd refers to
 * @param openFlags {@code fcntl(F_GETFL)} of the stored fd
 * @param pid the process that saved it
 * @param uid that process's uid
 * @param gid that process's gid
 * @param savedAtMillis when it was saved, milliseconds since the Unix epoch
 * @param target the daemon's readlink of {@code /proc/self/fd/N}, e.g. {@code socket:[41312]}
 * @param metadata the blob saved with it
 */
public record EntryInfo(long id, String name, String namespace, FileKind kind, int openFlags, int pid, int uid,
        int gid, long savedAtMillis, String target, byte[] metadata) {

    /** Bytes of an entry besides its three strings and its blob. */
    static final int FIXED_SIZE = 8 + 2 + 2 + 1 + 4 + 4 + 4 + 4 + 8 + 2 + 4;

    private static final int TO_STRING_METADATA_BYTES = 32;
    private static final byte[] NO_METADATA = {};

    /**
     * Copies {@code metadata}. Limits are not checked here but by the encoder.
     *
     * @throws NullPointerException if {@code name}, {@code namespace}, {@code kind}, {@code target} or
     *     {@code metadata} is null
     */
    public EntryInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        // Shared when empty: nothing can change an empty array, and most entries have no metadata.
        metadata = metadata.length == 0 ? NO_METADATA : metadata.clone();
    }

    /**
     * An entry without a namespace, as before namespaces existed; kept so that older callers compile.
     *
     * @throws NullPointerException if {@code name}, {@code kind}, {@code target} or {@code metadata} is null
     */
    public EntryInfo(long id, String name, FileKind kind, int openFlags, int pid, int uid, int gid,
            long savedAtMillis, String target, byte[] metadata) {
        this(id, name, "", kind, openFlags, pid, uid, gid, savedAtMillis, target, metadata);
    }

    /** {@code namespace/name}, or {@code ""} for an unnamed entry. */
    public String qualifiedName() {
        if (name.isEmpty() || namespace.isEmpty()) return name;
        return namespace + QualifiedName.SEPARATOR + name;
    }

    /**
     * The name as a peer whose default namespace is {@code viewerNamespace} would type it: bare in that namespace,
     * qualified in any other; {@code ""} for an unnamed entry.
     */
    public String nameAsSeenFrom(String viewerNamespace) {
        return namespace.equals(viewerNamespace) ? name : qualifiedName();
    }

    /** A copy of the metadata. */
    @Override
    public byte[] metadata() {
        return metadata.clone();
    }

    /** The metadata itself, for the codecs, which only read it: copying 64 KiB per entry of a LIST adds up. */
    byte[] metadataUnshared() {
        return metadata;
    }

    /**
     * Bytes this entry takes on the wire.
     *
     * @throws IllegalArgumentException if the name or target holds an unpaired surrogate, which UTF-8 cannot encode
     */
    public int encodedSize() {
        return FIXED_SIZE + Utf8.length(name) + Utf8.length(namespace) + Utf8.length(target) + metadata.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntryInfo e
                && id == e.id
                && name.equals(e.name)
                && namespace.equals(e.namespace)
                && kind == e.kind
                && openFlags == e.openFlags
                && pid == e.pid
                && uid == e.uid
                && gid == e.gid
                && savedAtMillis == e.savedAtMillis
                && target.equals(e.target)
                && Arrays.equals(metadata, e.metadata);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(id, name, namespace, kind, openFlags, pid, uid, gid, savedAtMillis, target);
        return 31 * h + Arrays.hashCode(metadata);
    }

    @Override
    public String toString() {
        return "EntryInfo[id=" + Long.toUnsignedString(id)
                + ", name=" + Quote.of(name)
                + ", namespace=" + Quote.of(namespace)
                + ", kind=" + kind
                + ", openFlags=0x" + Integer.toHexString(openFlags)
                + ", pid=" + pid
                + ", uid=" + Integer.toUnsignedString(uid)
                + ", gid=" + Integer.toUnsignedString(gid)
                + ", savedAtMillis=" + savedAtMillis
                + ", target=" + Quote.of(target)
                + ", metadata=" + describeBytes(metadata) + "]";
    }

    /** {@code "5 bytes 68656c6c6f"}, the hex cut after 32 bytes, so that 64 KiB of metadata stays readable. */
    static String describeBytes(byte[] bytes) {
        int shown = Math.min(bytes.length, TO_STRING_METADATA_BYTES);
        String hex = HexFormat.of().formatHex(bytes, 0, shown);
        return bytes.length + " bytes" + (shown == 0 ? "" : " " + hex) + (shown < bytes.length ? "..." : "");
    }
}

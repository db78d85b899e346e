package org.fdstore.protocol;

import java.nio.charset.StandardCharsets;
import org.fdstore.linux.FileKind;

/** Sample entries for the tests. */
final class Entries {
    private Entries() {}

    static EntryInfo db() {
        return new EntryInfo(1, "db", "uid.1000", FileKind.REGULAR, 0x8002, 1234, 1000, 1000, 1_700_000_000_000L,
                "/var/lib/db (deleted)", "hello".getBytes(StandardCharsets.UTF_8));
    }

    /** An entry whose every field is at an edge: top bits set, the longest name, target and metadata. */
    static EntryInfo extreme(long id) {
        byte[] metadata = new byte[Limits.MAX_METADATA];
        for (int i = 0; i < metadata.length; i++) metadata[i] = (byte) (i * 31);
        return new EntryInfo(id, "é".repeat(127) + "x", "n".repeat(Limits.MAX_NAMESPACE_BYTES), FileKind.ANON_INODE, 0x80000000, -1, -2, -3, -1L,
                "/".repeat(Limits.MAX_TARGET_BYTES), metadata);
    }

    /** {@link #db()} as INSPECT describes it: a file on /var, TTL and owner-bound, watched for nothing. */
    static InspectInfo dbInspected() {
        return new InspectInfo(db(), new Lifetime(60_000, true, 5_000, false), 1_700_000_060_000L, 1234, 0, false,
                31, "/var", 0x801, 131075, "", "");
    }

    /** An inspected entry whose every field is at an edge. */
    static InspectInfo extremeInspected(long id) {
        return new InspectInfo(extreme(id), new Lifetime(-1L, true, -1, true), -1L, -1, -1L, true, -1,
                "/".repeat(Limits.MAX_PATH_BYTES), -1L, -1L, "s".repeat(Limits.MAX_DESCRIPTION_BYTES),
                "p".repeat(Limits.MAX_DESCRIPTION_BYTES));
    }

    /** A unix socket entry as INSPECT describes it. */
    static InspectInfo socketInspected(long id) {
        return new InspectInfo(numbered(id, 3), Lifetime.DEFAULT, 0, 0, 0, true, 25, "/", 8, id,
                "unix stream /run/app.sock", "pid=4321 uid=1000 gid=1000");
    }

    static EntryInfo numbered(long id, int metadataBytes) {
        return new EntryInfo(id, id % 3 == 0 ? "" : "entry-" + id + "-名", id % 2 == 0 ? "uid.1000" : "fuse.42",
                FileKind.ofCode((int) (id % 10)),
                (int) id, (int) id + 100, 1000, 1000, id * 1000, "socket:[" + id + "]", new byte[metadataBytes]);
    }
}

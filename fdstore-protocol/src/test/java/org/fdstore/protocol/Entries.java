package org.fdstore.protocol;

import java.nio.charset.StandardCharsets;
import org.fdstore.linux.FileKind;

/** Sample entries for the tests. */
final class Entries {
    private Entries() {}

    static EntryInfo db() {
        return new EntryInfo(1, "db", FileKind.REGULAR, 0x8002, 1234, 1000, 1000, 1_700_000_000_000L,
                "/var/lib/db (deleted)", "hello".getBytes(StandardCharsets.UTF_8));
    }

    /** An entry whose every field is at an edge: top bits set, the longest name, target and metadata. */
    static EntryInfo extreme(long id) {
        byte[] metadata = new byte[Limits.MAX_METADATA];
        for (int i = 0; i < metadata.length; i++) metadata[i] = (byte) (i * 31);
        return new EntryInfo(id, "é".repeat(127) + "x", FileKind.ANON_INODE, 0x80000000, -1, -2, -3, -1L,
                "/".repeat(Limits.MAX_TARGET_BYTES), metadata);
    }

    static EntryInfo numbered(long id, int metadataBytes) {
        return new EntryInfo(id, id % 3 == 0 ? "" : "entry-" + id + "-名", FileKind.ofCode((int) (id % 10)),
                (int) id, (int) id + 100, 1000, 1000, id * 1000, "socket:[" + id + "]", new byte[metadataBytes]);
    }
}

package org.fdstore.e2e;

import java.nio.file.Path;
import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.EntryInfo;

/** What the store holds, as root sees it: for checking that refused requests changed nothing, and for cleaning up. */
final class StoreSnapshot {
    private StoreSnapshot() {}

    /** {@code id:namespace/name} of every entry, by id. */
    static String of(Path socket) throws Exception {
        try (FdStore store = FdStore.connect(socket.toString())) {
            return PeerAgent.describe(store.list());
        }
    }

    /** Removes every entry. */
    static void clear(Path socket) throws Exception {
        try (FdStore store = FdStore.connect(socket.toString())) {
            List<EntryInfo> entries = store.list();
            for (EntryInfo e : entries) store.remove(e.id());
        }
    }
}

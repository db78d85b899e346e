package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.fdstore.client.FdStore;
import org.fdstore.client.SaveItem;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.EntryInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standby that attaches to a large store gets its snapshot in slices, between turns of the server's loop, while
 * clients go on saving and removing: once it counts as the standby, it holds exactly the store, and serves exactly
 * that after kill -9 of the server.
 */
class SnapshotSlicesTest {
    private static final int ENTRIES = 5000;

    @TempDir Path dir;

    @Test
    void standbyAttachingWhileClientsChangeTheStore_takesOverWithExactlyTheStore() throws Exception {
        Path payload = Files.writeString(dir.resolve("payload"), "sliced");
        try (MirroredStore store = MirroredStore.start(dir);
             FdStore client = FdStore.connect(store.socket().toString());
             Fd file = Fcntl.open(payload.toString(), Fcntl.O_RDONLY, 0)) {
            client.saveAll(IntStream.range(0, ENTRIES).mapToObj(i -> SaveItem.of(file, "e" + i)).toList());
            Set<String> expected = new HashSet<>(IntStream.range(0, ENTRIES).mapToObj(i -> "e" + i).toList());
            DaemonStatus before = store.status();
            int standby = MirroredStore.pidOf(before.standbyPid());
            store.kill(standby);

            int changes = 0;
            long deadline = System.nanoTime() + 60_000_000_000L;
            DaemonStatus now;
            do {
                assertThat(System.nanoTime() - deadline).as("a new standby within 60 s\n" + store.logText())
                        .isNegative();
                client.remove("e" + 3 * changes);
                expected.remove("e" + 3 * changes);
                client.save(file, "n" + changes);
                expected.add("n" + changes);
                changes++;
                now = client.status();
            } while (now.standbyPid().isEmpty() || now.standbyPid().getAsInt() == standby);

            store.kill(before.servingPid());
            DaemonStatus after = store.awaitServingOtherThan(before.servingPid());
            List<EntryInfo> entries = client.list();
            assertThat(entries.stream().map(EntryInfo::name)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(MirroredStore.fdsTo(after.servingPid(), payload)).isEqualTo(expected.size());
            // The standby's own count when the snapshot ended matched the server's.
            assertThat(store.logText()).containsPattern("event=mirror_loaded role=standby pid="
                    + now.standbyPid().getAsInt() + " server_pid=" + before.servingPid() + " entries=\\d+ result=ok");
        }
    }
}

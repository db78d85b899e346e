package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.EntryInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live upgrade: {@code fdstore upgrade} starts a successor ({@code daemon --takeover}) that takes every entry, the
 * policy, the options and the listening socket, while clients save, restore and remove; none of them sees an error.
 */
class HandoverTest {
    @TempDir Path dir;

    @Test
    void takeover_underLoad_keepsEveryEntryWithItsIdAndName() throws Exception {
        Path payload = Files.writeString(dir.resolve("payload"), "upgraded");
        try (MirroredStore store = MirroredStore.start(dir)) {
            DaemonStatus before = store.status();
            StoreLoad load = new StoreLoad(store.socket(), payload, 3);
            int successor;
            try {
                load.awaitProgress(30);
                CliRun upgrade = CliRun.run(dir, store.socket(), "upgrade");
                assertThat(upgrade.exitCode()).as(upgrade.toString()).isZero();
                DaemonStatus after = store.awaitServingOtherThan(before.servingPid());
                successor = after.servingPid();
                assertThat(upgrade.stdout()).startsWith("upgraded: pid " + before.servingPid() + " -> " + successor);
                assertThat(after.lastTransition()).isEqualTo(DaemonStatus.Transition.HANDOVER);
                load.awaitProgress(30);
            } finally {
                load.close();
            }
            assertThat(load.failures).as("errors the clients saw").isEmpty();
            assertThat(load.unknown).as("saves of unknown outcome: a handover answers or resends all").isEmpty();
            assertThat(load.unknownRemoves).isEmpty();
            assertThat(store.first().isAlive()).isFalse();
            assertThat(store.first().stop()).as("exit status of the old process").isZero();

            List<EntryInfo> entries;
            try (FdStore client = FdStore.connect(store.socket().toString())) {
                entries = client.list();
            }
            Map<String, Long> listed = new java.util.HashMap<>();
            for (EntryInfo e : entries) listed.put(e.name(), e.id());
            assertThat(listed).containsExactlyInAnyOrderEntriesOf(load.acknowledged);
            assertThat(store.logText()).containsPattern("event=handover successor_pid=" + successor
                    + " entries=\\d+ drain_ms=\\d+ result=ok");

            // SIGTERM with no successor: the successor stops, and so does its standby.
            int standby = MirroredStore.pidOf(store.status().standbyPid());
            store.terminate(successor);
            Await.until("the standby to retire", java.time.Duration.ofSeconds(30), () -> !store.alive(standby));
            assertThat(store.logText()).containsPattern("event=stopped .* handed_over=false");
            assertThat(store.socket()).doesNotExist();
        }
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.EntryInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the serving process, over and over while clients work: its hot standby serves at once on the same
 * socket with every acknowledged entry, and starts a standby of its own.
 */
class FailoverTest {
    private static final int ROUNDS = 20;

    @TempDir Path dir;

    @Test
    void killServing_twentyRoundsUnderLoad_losesNoAcknowledgedEntry() throws Exception {
        Path payload = Files.writeString(dir.resolve("payload"), "kept across crashes");
        try (MirroredStore store = MirroredStore.start(dir)) {
            StoreLoad load = new StoreLoad(store.socket(), payload, 3);
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    load.awaitProgress(10);
                    int serving = store.status().servingPid();
                    store.kill(serving);
                    DaemonStatus after = store.awaitServingOtherThan(serving);
                    assertThat(after.lastTransition()).isEqualTo(DaemonStatus.Transition.FAILOVER);
                }
                load.awaitProgress(10);
            } finally {
                load.close();
            }

            assertThat(load.failures).as("errors the clients were not told to retry").isEmpty();
            assertThat(load.restores.get()).isPositive();
            List<EntryInfo> entries;
            try (FdStore client = FdStore.connect(store.socket().toString())) {
                entries = client.list();
            }
            Map<String, Long> listed = new java.util.HashMap<>();
            Set<Long> ids = new HashSet<>();
            for (EntryInfo e : entries) {
                assertThat(listed.put(e.name(), e.id())).as("duplicate name " + e.name()).isNull();
                assertThat(ids.add(e.id())).as("duplicate id " + e.id()).isTrue();
            }
            for (Map.Entry<String, Long> saved : load.acknowledged.entrySet()) {
                assertThat(listed).as("acknowledged save " + saved.getKey()).containsEntry(saved.getKey(), saved.getValue());
            }
            Set<String> extra = new HashSet<>(listed.keySet());
            extra.removeAll(load.acknowledged.keySet());
            assertThat(load.unknown).as("entries never acknowledged are only saves whose outcome was unknown")
                    .containsAll(extra);

            // No process of the chain leaks: the serving one and its standby each hold one fd per entry.
            DaemonStatus status = store.awaitStandby();
            int standby = MirroredStore.pidOf(status.standbyPid());
            Await.until("the serving process and its standby to hold one fd per entry",
                    java.time.Duration.ofSeconds(30),
                    () -> MirroredStore.fdsTo(status.servingPid(), payload) == entries.size()
                            && MirroredStore.fdsTo(standby, payload) == entries.size(),
                    () -> "(serving " + MirroredStore.fdsTo(status.servingPid(), payload) + ", standby "
                            + MirroredStore.fdsTo(standby, payload) + ", entries " + entries.size() + ")");
            assertThat(status.entries()).isEqualTo(entries.size());

            // A promoted standby stops cleanly on SIGTERM, and its own standby with it.
            store.terminate(status.servingPid());
            Await.until("the standby to retire", java.time.Duration.ofSeconds(30), () -> !store.alive(standby));
            assertThat(store.socket()).doesNotExist();
        }
    }
}

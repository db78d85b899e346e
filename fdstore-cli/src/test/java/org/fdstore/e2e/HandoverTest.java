package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.EntryInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live upgrade: a successor ({@code daemon --takeover}, what {@code fdstore upgrade} starts) takes every entry, the
 * policy, the options and the listening socket, while clients save and restore; none of them sees an error.
 */
class HandoverTest {
    @TempDir Path dir;

    @Test
    void takeover_underLoad_keepsEveryEntryWithItsIdAndName() throws Exception {
        Path payload = Files.writeString(dir.resolve("payload"), "upgraded");
        try (MirroredStore store = MirroredStore.start(dir)) {
            DaemonStatus before = store.status();
            StoreLoad load = new StoreLoad(store.socket(), payload, 3);
            Process successor;
            try {
                load.awaitProgress(30);
                successor = store.takeover();
                DaemonStatus after = store.awaitServingOtherThan(before.servingPid());
                assertThat(after.servingPid()).isEqualTo(successor.pid());
                assertThat(after.lastTransition()).isEqualTo(DaemonStatus.Transition.HANDOVER);
                load.awaitProgress(30);
            } finally {
                load.close();
            }
            assertThat(load.failures).as("errors the clients saw").isEmpty();
            assertThat(load.unknown).as("saves of unknown outcome: a handover answers or resends all").isEmpty();
            assertThat(store.first().isAlive()).isFalse();
            assertThat(store.first().stop()).as("exit status of the old process").isZero();

            List<EntryInfo> entries;
            try (FdStore client = FdStore.connect(store.socket().toString())) {
                entries = client.list();
            }
            Map<String, Long> listed = new java.util.HashMap<>();
            for (EntryInfo e : entries) listed.put(e.name(), e.id());
            assertThat(listed).containsExactlyInAnyOrderEntriesOf(load.acknowledged);
            assertThat(store.logText()).containsPattern("event=handover successor_pid=" + successor.pid()
                    + " entries=\\d+ drain_ms=\\d+ result=ok");

            // SIGTERM with no successor: the successor stops, and so does its standby.
            int standby = MirroredStore.pidOf(store.status().standbyPid());
            new ProcessBuilder("kill", "-TERM", Long.toString(successor.pid())).start().waitFor();
            assertThat(successor.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(successor.exitValue()).isZero();
            Await.until("the standby to retire", java.time.Duration.ofSeconds(30), () -> !store.alive(standby));
            assertThat(store.socket()).doesNotExist();
        }
    }
}

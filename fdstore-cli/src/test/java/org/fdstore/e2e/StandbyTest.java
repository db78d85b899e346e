package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.fdstore.protocol.DaemonStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hot standby: killed, it is replaced and resynchronised while the serving process serves on undisturbed. */
class StandbyTest {
    @TempDir Path dir;

    @Test
    void killStandby_underLoad_isReplacedAndResynchronised() throws Exception {
        Path payload = Files.writeString(dir.resolve("payload"), "mirrored");
        try (MirroredStore store = MirroredStore.start(dir)) {
            DaemonStatus before = store.status();
            int firstStandby = MirroredStore.pidOf(before.standbyPid());
            StoreLoad load = new StoreLoad(store.socket(), payload, 2);
            try {
                load.awaitProgress(20);
                store.kill(firstStandby);
                Await.until("a new standby", Duration.ofSeconds(60), () -> store.status().standbyPid().isPresent()
                        && store.status().standbyPid().getAsInt() != firstStandby, store::logText);
                load.awaitProgress(20);
            } finally {
                load.close();
            }
            assertThat(load.failures).as("errors seen by clients of the serving process").isEmpty();
            assertThat(load.unknown).isEmpty();

            DaemonStatus after = store.status();
            assertThat(after.servingPid()).isEqualTo(before.servingPid());
            assertThat(after.lastTransition()).isEqualTo(DaemonStatus.Transition.NONE);
            int standby = MirroredStore.pidOf(after.standbyPid());
            int entries = (int) after.entries();
            assertThat(entries).isEqualTo(load.acknowledged.size());
            Await.until("the new standby to hold one fd per entry", Duration.ofSeconds(30),
                    () -> MirroredStore.fdsTo(standby, payload) == entries,
                    () -> "(standby holds " + MirroredStore.fdsTo(standby, payload) + " of " + entries + ")");
            assertThat(MirroredStore.fdsTo(after.servingPid(), payload)).isEqualTo(entries);
            assertThat(store.logText()).contains("event=mirror_lost role=standby pid=" + firstStandby);
        }
    }
}

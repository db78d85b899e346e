package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.fdstore.protocol.DaemonStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The passthrough filesystem is a client of the store: its state lives there. An upgrade of the store while a
 * workload runs on the mount costs the workload no error, and the filesystem no failed store request.
 */
class FsStoreContinuityTest {
    @TempDir Path dir;

    @Test
    void storeUpgrade_underMountWorkload_workloadSeesNoError() throws Exception {
        try (FsMount fs = FsMount.startOnMirroredStore(dir); MirroredStore store = MirroredStore.of(fs.store)) {
            DaemonStatus first = store.awaitStandby();
            FsFailoverTest.Workload workload = FsFailoverTest.Workload.start(fs);
            workload.awaitRunning();

            CliRun upgrade = fs.cli("upgrade");
            assertThat(upgrade.exitCode()).as(upgrade + store.logText()).isZero();
            DaemonStatus upgraded = store.awaitServingOtherThan(first.servingPid());
            assertThat(upgraded.lastTransition()).isEqualTo(DaemonStatus.Transition.HANDOVER);
            workload.awaitRunning();
            int saves = store.logText().split("event=save ", -1).length;
            Await.until("the filesystem to save through the new store process", java.time.Duration.ofSeconds(30),
                    () -> store.logText().split("event=save ", -1).length > saves + 10);

            workload.stopAndAssertNoError();
        }
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.fdstore.protocol.DaemonStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process serves a socket at a time; a clean stop takes the standby along. */
class ServingLockTest {
    @TempDir Path dir;

    @Test
    void secondDaemon_onServedSocket_isRefusedNamingTheServer() throws Exception {
        try (MirroredStore store = MirroredStore.start(dir)) {
            DaemonStatus status = store.status();
            CliRun second = CliRun.run(dir, store.socket(), "daemon", "--no-mirror");
            assertThat(second.exitCode()).isEqualTo(111);
            assertThat(second.stderr()).contains("EADDRINUSE").contains("pid " + status.servingPid() + " serves");
            assertThat(store.status().servingPid()).isEqualTo(status.servingPid());
        }
    }

    @Test
    void sigterm_withoutSuccessor_stopsServerAndStandbyAndRemovesSocketAndLock() throws Exception {
        try (MirroredStore store = MirroredStore.start(dir)) {
            int standby = MirroredStore.pidOf(store.status().standbyPid());
            assertThat(store.first().stop()).isZero();
            Await.until("the standby to retire", Duration.ofSeconds(30), () -> !store.alive(standby));
            assertThat(store.socket()).doesNotExist();
            assertThat(store.socket().resolveSibling("fdstore.sock.lock")).doesNotExist();
            assertThat(store.logText()).contains("event=retired role=standby pid=" + standby);
        }
    }
}

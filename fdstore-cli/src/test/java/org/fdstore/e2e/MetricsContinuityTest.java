package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DaemonStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics endpoint and its counters across transitions: after {@code fdstore upgrade} the successor serves the
 * endpoint with the counters where they were; after a kill -9 of the serving process its standby serves it, with
 * the counters its last COUNTERS frame held.
 */
class MetricsContinuityTest {
    private static final String SAVES = "fdstore_requests_total{type=\"save\",result=\"ok\"}";
    private static final String HANDOVERS = "fdstore_transitions_total{kind=\"handover\"}";
    private static final String FAILOVERS = "fdstore_transitions_total{kind=\"failover\"}";
    @TempDir Path dir;

    @Test
    void upgradeThenKill_endpointComesBackWithCountersThatDidNotGoBack() throws Exception {
        int port = MetricsScrape.freePort();
        try (MirroredStore store = MirroredStore.start(dir, "--metrics", "127.0.0.1:" + port)) {
            try (FdStore client = FdStore.connect(store.socket().toString());
                 Fd file = Fcntl.open(dir.resolve("kept").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644)) {
                for (int i = 0; i < 5; i++) client.save(file, "kept-" + i);
            }
            MetricsScrape first = MetricsScrape.tryGet(port);
            assertThat(first).isNotNull();
            double saves = first.value(SAVES);
            assertThat(saves).isGreaterThanOrEqualTo(5);
            assertThat(first.value("fdstore_standby_up")).isEqualTo(1);
            int firstPid = store.status().servingPid();

            CliRun upgrade = CliRun.run(dir, store.socket(), "upgrade");
            assertThat(upgrade.exitCode()).as(upgrade.toString()).isZero();
            DaemonStatus upgraded = store.awaitServingOtherThan(firstPid);
            MetricsScrape afterHandover = awaitScrape(port, HANDOVERS, 1, store);
            assertThat(afterHandover.value(SAVES)).as("saves counted before the handover").isGreaterThanOrEqualTo(saves);
            assertThat(afterHandover.sum("fdstore_entries")).isEqualTo(5);

            // The standby has the counters once a second: give it a COUNTERS frame sent after the handover.
            Thread.sleep(2_500);
            store.kill(upgraded.servingPid());
            store.awaitServingOtherThan(upgraded.servingPid());
            MetricsScrape afterFailover = awaitScrape(port, FAILOVERS, 1, store);
            assertThat(afterFailover.value(HANDOVERS)).isEqualTo(1);
            assertThat(afterFailover.value(SAVES)).as("saves counted before the failover").isGreaterThanOrEqualTo(saves);
            assertThat(afterFailover.sum("fdstore_entries")).isEqualTo(5);
            assertThat(afterFailover.value("fdstore_last_transition_pause_seconds")).isGreaterThanOrEqualTo(0);
        }
    }

    /** Waits until /metrics answers with {@code sample} at {@code value}: the new serving process serves it. */
    private static MetricsScrape awaitScrape(int port, String sample, double value, MirroredStore store) {
        MetricsScrape[] last = {null};
        Await.until("/metrics with " + sample + " " + value, Duration.ofSeconds(30), () -> {
            last[0] = MetricsScrape.tryGet(port);
            return last[0] != null && last[0].value(sample) == value;
        }, () -> (last[0] == null ? "(no answer)" : last[0].text()) + "\n" + store.logText());
        return last[0];
    }
}

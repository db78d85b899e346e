package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fdstore daemon --metrics}: {@code GET /metrics} serves the Prometheus text, which follows the store, and
 * {@code fdstore metrics} prints the same families over the store socket.
 */
class MetricsTest {
    private static final int PORT = MetricsScrape.freePort();
    private static final List<String> FAMILIES = List.of("fdstore_entries", "fdstore_fds", "fdstore_fd_limit",
            "fdstore_capacity", "fdstore_requests_total", "fdstore_request_duration_seconds", "fdstore_connections",
            "fdstore_quota_used", "fdstore_expired_total", "fdstore_transitions_total",
            "fdstore_last_transition_pause_seconds", "fdstore_standby_up", "fdstore_standby_lag_frames");

    @RegisterExtension final LeakCheckedDaemon fixture = new LeakCheckedDaemon(
            () -> Files.createTempDirectory("fdstore-metrics"), "--metrics", "127.0.0.1:" + PORT);

    @Test
    void scrape_afterSavesAndARefusal_countsFollowTheStore() throws Exception {
        MetricsScrape before = MetricsScrape.get(PORT, "/metrics");
        assertThat(before.status()).isEqualTo(200);
        assertThat(before.contentType()).startsWith("text/plain; version=0.0.4");
        assertThat(MetricsScrape.families(before.text())).containsAll(FAMILIES);
        assertThat(before.text()).contains("# TYPE fdstore_requests_total counter\n",
                "# TYPE fdstore_request_duration_seconds histogram\n", "# HELP fdstore_entries ");
        double savesBefore = Math.max(0, before.value("fdstore_requests_total{type=\"save\",result=\"ok\"}"));

        List<Long> ids = new ArrayList<>();
        Path dir = fixture.dir();
        try (FdStore store = fixture.connect();
             Fd file = Fcntl.open(dir.resolve("metered").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644)) {
            for (int i = 0; i < 3; i++) ids.add(store.save(file, "metered-" + i));
            try {
                store.save(file, "metered-0");
                throw new AssertionError("a second save of metered-0 was not refused");
            } catch (FdStoreException e) {
                assertThat(e.errno()).isEqualTo(Errno.EEXIST);
            }
            MetricsScrape after = MetricsScrape.get(PORT, "/metrics");

            assertThat(after.sum("fdstore_entries")).isEqualTo(before.sum("fdstore_entries") + 3);
            assertThat(after.value("fdstore_requests_total{type=\"save\",result=\"ok\"}")).isEqualTo(savesBefore + 3);
            assertThat(after.value("fdstore_requests_total{type=\"save\",result=\"EEXIST\"}")).isEqualTo(1);
            assertThat(after.value("fdstore_request_duration_seconds_count{type=\"save\"}")).isEqualTo(savesBefore + 4);
            assertThat(after.value("fdstore_connections{uid=\"0\"}")).isGreaterThanOrEqualTo(1);
            assertThat(after.value("fdstore_quota_used{uid=\"0\"}")).isGreaterThanOrEqualTo(3);
            assertThat(after.value("fdstore_standby_up")).isZero();

            CliRun cli = CliRun.run(dir, fixture.daemon().socket(), "metrics");
            assertThat(cli.exitCode()).as(cli.toString()).isZero();
            assertThat(MetricsScrape.families(cli.stdout())).isEqualTo(MetricsScrape.families(after.text()));
            assertThat(cli.stdout()).contains("fdstore_requests_total{type=\"save\",result=\"EEXIST\"} 1\n");
        } finally {
            try (FdStore store = fixture.connect()) {
                for (long id : ids) store.remove(new Selector.ById(id));
            }
        }
    }

    @Test
    void daemon_badOrTakenAddress_failsNamingIt() throws Exception {
        Path dir = fixture.dir();
        CliRun malformed = CliRun.runRaw(dir, java.util.Map.of(), "daemon", "--no-mirror", "--socket",
                dir.resolve("other.sock").toString(), "--metrics", "9464");
        assertThat(malformed.exitCode()).as(malformed.toString()).isEqualTo(100);
        assertThat(malformed.stderr()).contains("--metrics 9464: expected HOST:PORT");

        CliRun taken = CliRun.runRaw(dir, java.util.Map.of(), "daemon", "--no-mirror", "--socket",
                dir.resolve("other.sock").toString(), "--metrics", "127.0.0.1:" + PORT);
        assertThat(taken.exitCode()).as(taken.toString()).isEqualTo(111);
        assertThat(taken.stderr()).contains("--metrics 127.0.0.1:" + PORT + ": cannot bind it (EADDRINUSE");
        assertThat(dir.resolve("other.sock")).doesNotExist();
        assertThat(MetricsScrape.get(PORT, "/metrics").status()).as("the first daemon serves on").isEqualTo(200);
    }

    @Test
    void get_otherPathOrMethod_isRefusedAndChangesNothing() throws Exception {
        assertThat(MetricsScrape.get(PORT, "/").status()).isEqualTo(404);
        assertThat(MetricsScrape.get(PORT, "/metrics/x").status()).isEqualTo(404);
        assertThat(MetricsScrape.get(PORT, "/metrics").status()).isEqualTo(200);
    }
}

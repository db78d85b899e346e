package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving process of a passthrough mount publishes its FUSE request counts and handler times on the store
 * daemon's metrics, labelled with the mountpoint; they go when the mount does.
 */
class FsMetricsTest {
    @TempDir Path dir;

    @Test
    void mountWork_showsPerOpSeries_untilUnmount() throws Exception {
        try (FsMount fs = FsMount.start(dir, "--no-standby")) {
            Path file = fs.mountpoint.resolve("counted");
            Files.writeString(file, "metered\n");
            assertThat(Files.readString(file)).isEqualTo("metered\n");
            assertThat(Files.exists(fs.mountpoint.resolve("absent"))).isFalse();
            String labels = "{mount=\"" + fs.mountpoint + "\",op=\"LOOKUP\",uid=\"";

            Await.until("LOOKUP counts for " + fs.mountpoint, Duration.ofSeconds(15),
                    () -> value(fs, "fdstore_fuse_requests_total" + labels).orElse(0.0) > 0, fs::log);
            String text = metrics(fs);
            assertThat(text).contains("# TYPE fdstore_fuse_requests_total counter\n",
                    "# TYPE fdstore_fuse_request_duration_seconds summary\n");
            assertThat(value(fs, "fdstore_fuse_request_duration_seconds_count" + labels)).get()
                    .satisfies(count -> assertThat(count).isGreaterThan(0));
            assertThat(value(fs, "fdstore_fuse_request_duration_seconds_sum" + labels)).isPresent();

            CliRun umount = fs.cli("fs", "umount", fs.mountpoint.toString());
            assertThat(umount.exitCode()).as(umount.toString()).isZero();
            Await.until("the series of " + fs.mountpoint + " to go", Duration.ofSeconds(15),
                    () -> !metrics(fs).contains("mount=\"" + fs.mountpoint + "\""), fs::log);
        }
    }

    private static String metrics(FsMount fs) {
        try {
            CliRun run = fs.cli("metrics");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            return run.stdout();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The value of the first sample line that starts with {@code prefix}. */
    private static Optional<Double> value(FsMount fs, String prefix) {
        return metrics(fs).lines().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount's daemon is killed (kill -9) or upgraded, repeatedly, while a workload runs on the mount: the workload
 * (fs_workload.py: thousands of files created, stat'ed, read back and unlinked, and checksummed 4 MiB copies) sees
 * zero errors, and unmounting releases every fd the store held for the mount.
 */
class FsFailoverTest {
    private static final int KILLS = 5;
    private static final int UPGRADES = 3;

    @TempDir Path dir;

    @Test
    void killMinus9_repeatedUnderLoad_workloadSeesNoError() throws Exception {
        try (FsMount fs = FsMount.start(dir)) {
            Workload workload = Workload.start(fs);
            for (int round = 0; round < KILLS; round++) {
                fs.awaitStandby();
                workload.awaitRunning();
                fs.killServerAndAwaitSuccessor();
            }
            workload.stopAndAssertNoError();
            assertThat(fs.status().get("failovers")).isEqualTo(String.valueOf(KILLS));
            CliRun umount = fs.cli("fs", "umount", fs.mountpoint.toString());
            assertThat(umount.stdout()).as(umount.toString()).startsWith("unmounted " + fs.mountpoint);
            fs.store.awaitFdCount(fs.storeBaseline);
        }
    }

    @Test
    void upgrade_repeatedUnderLoad_workloadSeesNoError() throws Exception {
        try (FsMount fs = FsMount.start(dir)) {
            Workload workload = Workload.start(fs);
            for (int round = 0; round < UPGRADES; round++) {
                fs.awaitStandby();
                workload.awaitRunning();
                int serving = fs.servingPid();
                CliRun upgrade = fs.cli("fs", "upgrade", fs.mountpoint.toString());
                assertThat(upgrade.exitCode()).as(upgrade + fs.log()).isZero();
                assertThat(upgrade.stdout()).startsWith("upgraded " + fs.mountpoint + " pid " + serving + " -> ");
            }
            workload.stopAndAssertNoError();
            assertThat(fs.status().get("upgrades")).isEqualTo(String.valueOf(UPGRADES));
            assertThat(fs.status().get("failovers")).isEqualTo("0");
        }
    }

    /** fs_workload.py on the mount, in its own process. */
    record Workload(Process process, Path stop, Path output, FsMount fs) {
        static Workload start(FsMount fs) throws Exception {
            Path script = Scripts.copy("fs_workload.py", fs.dir);
            Path stop = fs.dir.resolve("stop");
            Path output = fs.dir.resolve("workload.out");
            Process p = new ProcessBuilder(Scripts.PYTHON, script.toString(), fs.mountpoint.toString(), stop.toString(),
                    "300").redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new Workload(p, stop, output, fs);
        }

        /** Waits until the workload is at work on the mount, so that the kill lands on live traffic. */
        void awaitRunning() {
            Await.until("the workload to be running", Duration.ofSeconds(30),
                    () -> process.isAlive() && count() >= 1, this::text);
        }

        private long count() {
            try (var files = Files.list(fs.mountpoint)) {
                return files.count();
            } catch (Exception e) {
                return 0;
            }
        }

        void stopAndAssertNoError() throws Exception {
            Files.writeString(stop, "stop");
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("workload stopped").isTrue();
            String out = text();
            assertThat(out).as("workload output" + fs.log()).contains("errors=0").doesNotContain("error:");
            assertThat(out).containsPattern("copies=[1-9]");
            // The store must have kept up with every inode and handle, and every handoff must have completed.
            assertThat(fs.log()).doesNotContain("event=store_failed").doesNotContain("event=handoff_failed")
                    .doesNotContain("event=standby_failed");
        }

        String text() {
            try {
                return Files.readString(output, StandardCharsets.UTF_8);
            } catch (Exception e) {
                return "(no output)";
            }
        }
    }
}

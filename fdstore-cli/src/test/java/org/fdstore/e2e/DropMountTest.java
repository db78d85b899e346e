package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.fdstore.linux.Unistd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fdstore drop --mount}: a stored fd keeps a tmpfs busy until it is dropped; then umount succeeds. */
class DropMountTest {
    @TempDir Path dir;

    private record Run(int exit, String output) {}

    private static Run run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output);
    }

    private static boolean mounted(Path path) throws Exception {
        return Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + path + " ");
    }

    @Test
    void dropMount_tmpfsPinnedByAnEntry_umountFailsWithEbusyUntilDropped() throws Exception {
        boolean root = Unistd.getuid() == 0;
        if (!"true".equals(System.getenv("CI"))) assumeTrue(root, "mounting a tmpfs needs root");
        Path mnt = dir.resolve("mnt");
        Files.createDirectory(mnt);
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--log-level", "debug")) {
            int baseline = daemon.fdCount();
            assertThat(run("mount", "-t", "tmpfs", "-o", "size=1m", "fdstore-test", mnt.toString()).exit()).isZero();
            try {
                CliRun save = CliRun.run(dir, daemon.socket(), "save", "-f", "mnt/pinned", "--name", "pinned");
                assertThat(save.stdout()).as(save.toString()).isEqualTo("saved file id 1\n");
                CliRun other = CliRun.run(dir, daemon.socket(), "save", "-f", "elsewhere", "--name", "elsewhere");
                assertThat(other.exitCode()).isZero();
                CliRun inspect = CliRun.run(dir, daemon.socket(), "inspect");
                assertThat(inspect.stdout().lines().filter(l -> l.contains("pinned")).findFirst().orElseThrow())
                        .contains(mnt.toString()).contains(" 2 ");   // tmpfs root is inode 1, the first file 2

                Run busy = run("umount", mnt.toString());
                assertThat(busy.exit()).as(busy.output()).isNotZero();
                assertThat(busy.output()).contains("busy");

                CliRun drop = CliRun.run(dir, daemon.socket(), "drop", "--mount", "mnt");
                assertThat(drop.exitCode()).as(drop.toString()).isZero();
                assertThat(drop.stdout()).isEqualTo("dropped 1 entry\n");
                assertThat(daemon.logLines("event=drop ", "name=pinned", "result=ok")).hasSize(1);

                Run umount = run("umount", mnt.toString());
                assertThat(umount.exit()).as(umount.output()).isZero();
                assertThat(mounted(mnt)).isFalse();

                CliRun notMounted = CliRun.run(dir, daemon.socket(), "drop", "--mount", mnt.toString());
                assertThat(notMounted.exitCode()).isEqualTo(1);
                assertThat(notMounted.stderr()).contains("is not a mount point", "(EINVAL)");
                assertThat(CliRun.run(dir, daemon.socket(), "list").stdout()).contains("elsewhere")
                        .doesNotContain("pinned");
                assertThat(CliRun.run(dir, daemon.socket(), "remove", "elsewhere").exitCode()).isZero();
                daemon.awaitFdCount(baseline);
            } finally {
                if (mounted(mnt)) run("umount", "-l", mnt.toString());
            }
        }
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fdstore daemon --log-level}: per-request and per-entry lines only at debug, so that a store kept busy by
 * a FUSE mount's inodes does not fill the disk with its log (issue 14).
 */
class LogLevelTest {
    private static final int OPERATIONS = 200;

    @TempDir Path dir;

    @Test
    void defaultLevel_manySavesAndRemoves_logLifecycleOnly() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {
            int baseline = daemon.fdCount();
            churn(daemon);
            daemon.awaitFdCount(baseline);

            assertThat(daemon.logLines("event=listening")).hasSize(1);
            for (String event : new String[] {"save", "restore", "remove"}) {
                assertThat(daemon.logLines("event=" + event + " ", "result=ok")).as(event).isEmpty();
            }
            assertThat(daemon.logText()).doesNotContain("event=connect ", "event=hello ", "event=disconnect ");
            assertThat(daemon.logText().lines().count()).as(daemon.logText()).isLessThan(10);
        }
    }

    @Test
    void defaultLevel_mountWorkload_storeLogsNoLinePerInodeOrHandle() throws Exception {
        try (FsMount fs = FsMount.start(dir)) {
            for (int i = 0; i < OPERATIONS; i++) {
                Path file = fs.mountpoint.resolve("f" + i);
                Files.writeString(file, "x");
                Files.readString(file);
            }
            for (int i = 0; i < OPERATIONS; i++) Files.delete(fs.mountpoint.resolve("f" + i));

            assertThat(fs.store.logLines("event=save ", "result=ok")).isEmpty();
            assertThat(fs.store.logLines("event=remove ", "result=ok")).isEmpty();
            assertThat(fs.store.logText().lines().count()).as(fs.store.logText()).isLessThan(15);
        }
    }

    @Test
    void debugLevel_logsEachRequestAndEntry() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--log-level", "debug")) {
            churn(daemon);

            daemon.awaitLog(OPERATIONS, "event=remove ", "name=e", "result=ok");
            assertThat(daemon.logLines("event=save ", "name=e", "result=ok")).hasSize(OPERATIONS);
            assertThat(daemon.logLines("event=restore ", "name=e", "result=ok")).hasSize(OPERATIONS);
            assertThat(daemon.logLines("event=connect ")).isNotEmpty();
        }
    }

    @Test
    void warningLevel_leavesOutTheLifecycle() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--log-level", "WARNING")) {
            churn(daemon);

            assertThat(daemon.logText()).doesNotContain("event=listening", "event=save ", "event=drop_request");
        }
    }

    @Test
    void unknownLevel_isAUsageErrorNamingTheLevels() throws Exception {
        CliRun run = CliRun.run(dir, dir.resolve("none.sock"), "daemon", "--log-level", "loud");

        assertThat(run.exitCode()).isEqualTo(100);
        assertThat(run.stderr()).isEqualTo("fdstore daemon: --log-level: unknown log level \"loud\": give debug,"
                + " info or warning\n");
        assertThat(Files.exists(dir.resolve("none.sock"))).isFalse();
    }

    private void churn(DaemonProcess daemon) throws Exception {
        Path file = dir.resolve("file");
        try (FdStore store = FdStore.connect(daemon.socket().toString());
             Fd fd = Fcntl.open(file.toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0600)) {
            for (int i = 0; i < OPERATIONS; i++) {
                long id = store.save(fd, "e" + i);
                store.restore(id).close();
                store.remove(id);
            }
        }
    }
}

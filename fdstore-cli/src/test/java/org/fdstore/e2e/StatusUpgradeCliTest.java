package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.EntryInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fdstore status} and {@code fdstore upgrade} as a user runs them, against a real daemon with its standby. */
class StatusUpgradeCliTest {
    private static final Pattern UPGRADED = Pattern.compile("upgraded: pid (\\d+) -> (\\d+), 2 entries, pause \\d+ ms\n");

    @TempDir Path dir;
    private DaemonProcess daemon;
    /** Daemon processes this test caused that are not its children: the successor and the standbys. */
    private final List<Long> others = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        daemon = DaemonProcess.startMirrored(dir);
    }

    @AfterEach
    void stop() {
        daemon.close();
        for (long pid : others) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().completeOnTimeout(p, 15, java.util.concurrent.TimeUnit.SECONDS).join();
                p.destroyForcibly();
            });
        }
    }

    @Test
    void status_printsEveryKeyInTheDaemonsOrder() throws Exception {
        saveTwo();
        int standby = awaitStandby();

        CliRun run = CliRun.run(dir, daemon.socket(), "status");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines).extracting(l -> l.substring(0, l.indexOf(": "))).startsWith(
                DaemonStatus.KEYS.toArray(String[]::new));
        assertThat(lines).contains("serving_pid: " + daemon.pid(), "standby_pid: " + standby, "role: serving",
                "entries: 2", "last_transition: none", "last_transition_at: none", "last_transition_pause_ms: none");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void statusJson_printsOneObjectWithNumbersAndNulls() throws Exception {
        saveTwo();

        CliRun run = CliRun.run(dir, daemon.socket(), "status", "--json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).startsWith("{\"serving_pid\":" + daemon.pid() + ",").endsWith("}\n")
                .contains("\"entries\":2,", "\"last_transition\":\"none\",\"last_transition_at\":null,")
                .hasLineCount(1);
    }

    @Test
    void status_noDaemon_exits111NamingTheSocket() throws Exception {
        Path nowhere = dir.resolve("none.sock");

        CliRun run = CliRun.run(dir, nowhere, "status");

        assertThat(run.exitCode()).isEqualTo(111);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).startsWith("fdstore status: cannot connect to " + nowhere + ": ENOENT");
    }

    @Test
    void upgrade_handsTheStoreToANewProcessKeepingIdsAndNames() throws Exception {
        List<EntryInfo> before = saveTwo();
        awaitStandby();

        CliRun run = CliRun.run(dir, daemon.socket(), "upgrade");

        Matcher m = UPGRADED.matcher(run.stdout());
        if (m.matches()) others.add(Long.parseLong(m.group(2)));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(m.matches()).as(run.stdout()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo(daemon.pid());
        try (FdStore store = FdStore.connect(daemon.socket().toString())) {
            DaemonStatus status = store.status();
            status.standbyPid().ifPresent(pid -> others.add((long) pid));
            assertThat(status.servingPid()).isEqualTo(Integer.parseInt(m.group(2)));
            assertThat(status.lastTransition()).isEqualTo(DaemonStatus.Transition.HANDOVER);
            assertThat(store.list()).extracting(EntryInfo::id, EntryInfo::name)
                    .containsExactlyElementsOf(before.stream()
                            .map(e -> org.assertj.core.groups.Tuple.tuple(e.id(), e.name())).toList());
        }
        Await.until("the old daemon to exit after the handover", Duration.ofSeconds(30), () -> !daemon.isAlive());
    }

    private List<EntryInfo> saveTwo() throws Exception {
        try (FdStore store = FdStore.connect(daemon.socket().toString());
             Fd fd = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            store.save(fd, "one");
            store.save(fd, "two");
            return store.list();
        }
    }

    /** The standby's pid, once the daemon has one; remembered for the cleanup. */
    private int awaitStandby() throws Exception {
        try (FdStore store = FdStore.connect(daemon.socket().toString())) {
            int[] pid = {0};
            Await.until("the daemon's standby", Duration.ofSeconds(30), () -> {
                try {
                    pid[0] = store.status().standbyPid().orElse(0);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return pid[0] != 0;
            });
            others.add((long) pid[0]);
            return pid[0];
        }
    }
}

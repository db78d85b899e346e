package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fair share of a daemon among uids (issue 15): a uid that holds its limit of connections, or floods the
 * notify socket, keeps no other uid from being served, and its own extra connection is refused with a clear error.
 * Real peers of two uids, made with setpriv; the daemon holds no fd more than its entries after each test.
 */
class FairShareTest {
    static final int A = 4121;
    static final int B = 4122;
    static final int PER_UID = 4;
    static final int NOTIFY_RATE = 5;
    static final int FLOOD = 300;

    private static Path dir;
    private static Path notify;
    private static Path greedy;
    private static Path pythonNotify;
    private static DaemonProcess daemon;
    @RegisterExtension
    final ClearedAfterEach cleared = new ClearedAfterEach(() -> daemon);

    @BeforeAll
    static void start() throws Exception {
        dir = PeerClasspath.newSharedDir("fair-share");
        notify = dir.resolve("notify.sock");
        greedy = Scripts.copy("fair_share.py", dir);
        pythonNotify = Scripts.copy("notify_fds.py", dir);
        daemon = DaemonProcess.start(dir, "--max-connections-per-uid", Integer.toString(PER_UID),
                "--notify-rate", Integer.toString(NOTIFY_RATE), "--notify-socket", notify.toString(),
                "--log-level", "debug");
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) assertThat(daemon.stop()).isZero();
    }

    @Test
    void connect_aUidHoldingItsLimit_isRefusedWithEusersWhileAnotherUidSaves() throws Exception {
        Process holder = new ProcessBuilder(command(Peer.setpriv(A), "hold", daemon.socket(), PER_UID))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (Peer a = Peer.user(A, daemon.socket()); Peer b = Peer.user(B, daemon.socket())) {
            String held = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(held).isEqualTo("held " + PER_UID);
            daemon.awaitLog(PER_UID, "event=connect", "uid=" + A);

            String bId = b.ok("save b");
            String refused = a.err("save a", "EUSERS");
            assertThat(refused).isEqualTo("uid " + A + " holds its limit of " + PER_UID
                    + " connections (--max-connections-per-uid); close one of them first");
            assertThat(daemon.logLines("event=connect", "pid=" + a.pid + " ", "result=EUSERS", "limit=" + PER_UID))
                    .hasSize(1);
            assertThat(StoreSnapshot.of(daemon.socket())).isEqualTo(bId + ":uid." + B + "/b");

            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).as("the holder exits").isTrue();
            daemon.awaitFdCount(cleared.baselineFds() + 1);
            String aId = a.ok("save a");
            assertThat(StoreSnapshot.of(daemon.socket())).isEqualTo(bId + ":uid." + B + "/b " + aId + ":uid." + A + "/a");
            daemon.awaitFdCount(cleared.baselineFds() + 2);
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void connect_refused_theCliSaysWhyAndExits1() throws Exception {
        Process holder = new ProcessBuilder(command(Peer.setpriv(A), "hold", daemon.socket(), PER_UID))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
            daemon.awaitLog(PER_UID, "event=connect", "uid=" + A);
            List<String> cli = new ArrayList<>(Peer.setpriv(A));
            cli.addAll(PeerClasspath.java("org.fdstore.cli.Main", "--socket", daemon.socket().toString(), "list"));
            SystemdClients.Run run = SystemdClients.run(java.util.Map.of(), cli);

            assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
            assertThat(run.output()).contains("holds its limit of " + PER_UID + " connections").contains("EUSERS");
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        daemon.awaitFdCount(cleared.baselineFds());
    }

    @Test
    void notify_floodFromOneUid_isRateLimitedWhileAnotherUidsFdstoreGoesThrough() throws Exception {
        long startNanos = System.nanoTime();
        Process flood = new ProcessBuilder(command(Peer.setpriv(A), "flood", notify, FLOOD))
                .redirectErrorStream(true).start();
        try {
            daemon.awaitLog(1, "event=notify_rate_limited", "uid=" + A, "limit=" + NOTIFY_RATE, "result=EAGAIN");
            SystemdClients.pythonNotify(pythonNotify, notify, Peer.setpriv(B), "FDSTORE=1\nFDNAME=b", "/dev/null")
                    .ok();
            String sent = new String(flood.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(flood.waitFor(60, TimeUnit.SECONDS)).as("the flood ends").isTrue();
            assertThat(sent).isEqualTo("sent " + FLOOD);
        } finally {
            flood.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos) + 1;

        daemon.awaitLog(1, "event=notify_store", "uid=" + B, "name=b", "result=ok");
        String[] entries = StoreSnapshot.of(daemon.socket()).split(" ");
        long floods = List.of(entries).stream().filter(e -> e.endsWith(":uid." + A + "/flood")).count();
        assertThat(List.of(entries)).anyMatch(e -> e.endsWith(":uid." + B + "/b"));
        assertThat(floods).as("flood entries stored in %d s", seconds).isBetween(1L, NOTIFY_RATE * (seconds + 1));
        assertThat(entries).hasSize((int) floods + 1);
        daemon.awaitFdCount(cleared.baselineFds() + entries.length);
    }

    private static List<String> command(List<String> prefix, String what, Path path, int count) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Scripts.PYTHON, greedy.toString(), what, path.toString(), Integer.toString(count)));
        return command;
    }
}

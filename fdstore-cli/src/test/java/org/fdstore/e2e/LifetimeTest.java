package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.InspectInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entry lifetimes against a real daemon: a time to live, owner-bound entries (released after the saver exits and
 * the grace passes, claimed by a restore within the grace), and the drop of an fd that hangs up. Every expiry is
 * logged, and the daemon's fd count comes back to where it was.
 */
class LifetimeTest {
    @TempDir Path dir;
    private DaemonProcess daemon;
    private int baselineFds;

    @BeforeEach
    void start() throws Exception {
        daemon = DaemonProcess.start(dir, "--log-level", "debug");
        baselineFds = daemon.fdCount();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            StoreSnapshot.clear(daemon.socket());
            daemon.awaitFdCount(baselineFds);
        } finally {
            assertThat(daemon.stop()).isZero();
        }
    }

    private CliRun fdstore(String... args) throws Exception {
        CliRun run = CliRun.run(dir, daemon.socket(), args);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run;
    }

    private FdStore connect() throws Exception {
        return FdStore.connect(daemon.socket().toString());
    }

    private Optional<InspectInfo> inspect(String name) throws Exception {
        try (FdStore store = connect()) {
            return store.inspect().stream().filter(i -> i.entry().name().equals(name)).findFirst();
        }
    }

    private void awaitGone(String name) {
        Await.until("entry " + name + " to be gone", Duration.ofSeconds(15), () -> {
            try {
                return inspect(name).isEmpty();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, daemon::logText);
    }

    @Test
    void save_ttl_entryIsClosedWhenItRunsOutAndNotBefore() throws Exception {
        fdstore("save", "-f", "long.dat", "--name", "long", "--ttl", "1h");
        // The short TTL must outlast a CLI run on a loaded machine, so that the inspect below still finds it.
        long before = System.currentTimeMillis();
        fdstore("save", "-f", "short.dat", "--name", "short", "--ttl", "3s");
        InspectInfo shortLived = inspect("short").orElseThrow();
        assertThat(shortLived.lifetime().ttlMillis()).isEqualTo(3000);
        assertThat(shortLived.expiresAtMillis()).isEqualTo(shortLived.entry().savedAtMillis() + 3000);

        awaitGone("short");
        assertThat(System.currentTimeMillis() - before).isGreaterThanOrEqualTo(3000);
        assertThat(daemon.logLines("event=expire", "name=short", "reason=ttl", "result=closed")).hasSize(1);
        assertThat(inspect("long")).isPresent();
        daemon.awaitFdCount(baselineFds + 1);
    }

    @Test
    void ownerBound_saverExitsAndGracePasses_entryIsReleased() throws Exception {
        fdstore("save", "-f", "owned.dat", "--name", "owned", "--owner-bound", "--grace", "300ms");
        awaitGone("owned");
        assertThat(daemon.logLines("event=expire", "name=owned", "reason=owner_exited")).hasSize(1);
        daemon.awaitFdCount(baselineFds);
    }

    @Test
    void ownerBound_saverAlive_entryStaysUntilTheSaverIsKilled() throws Exception {
        try (Peer saver = Peer.root(daemon.socket())) {
            saver.ok("save held owner=200");
            Await.until("the entry to outlive its grace while the saver lives", Duration.ofSeconds(10), () -> {
                try {
                    InspectInfo i = inspect("held").orElseThrow();
                    return System.currentTimeMillis() - i.entry().savedAtMillis() > 1000;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            InspectInfo held = inspect("held").orElseThrow();
            assertThat(held.boundPid()).isEqualTo(saver.pid);
            assertThat(held.ownerExitedAtMillis()).isZero();
            daemon.awaitFdCount(baselineFds + 2);   // the entry and its owner's pidfd

            saver.kill();
            awaitGone("held");
        }
        daemon.awaitFdCount(baselineFds);
    }

    @Test
    void ownerBound_restoredWithinGrace_isClaimedByTheRestorer() throws Exception {
        fdstore("save", "-f", "claim.dat", "--name", "claim", "--owner-bound", "--grace", "1h");
        Await.until("the saver's exit to be seen", Duration.ofSeconds(10), () -> {
            try {
                return inspect("claim").orElseThrow().ownerExitedAtMillis() != 0;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try (FdStore store = connect(); Fd restored = store.restore("claim")) {
            assertThat(restored.isOpen()).isTrue();
            InspectInfo claimed = inspect("claim").orElseThrow();
            assertThat(claimed.boundPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(claimed.ownerExitedAtMillis()).isZero();
            assertThat(daemon.logLines("event=restore", "name=claim", "rebound_to=" + ProcessHandle.current().pid()))
                    .hasSize(1);
        }
    }

    @Test
    void hangup_pipeWriterCloses_entryIsDroppedUnlessKeepOnHangup() throws Exception {
        Process keptWriter = saveStdin("kept", "--keep-on-hangup");
        Process droppedWriter = saveStdin("hup");
        assertThat(inspect("kept").orElseThrow().hangupWatched()).isFalse();
        assertThat(inspect("hup").orElseThrow().hangupWatched()).isTrue();
        assertThat(fdstore("inspect").stdout().lines().filter(l -> l.contains(" hup ")).findFirst().orElseThrow())
                .contains("until-removed,hup").endsWith("read end");
        assertThat(fdstore("inspect").stdout()).contains("until-removed,keep");

        keptWriter.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        droppedWriter.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        awaitGone("hup");
        assertThat(daemon.logLines("event=expire", "name=hup", "kind=pipe", "reason=hangup")).hasSize(1);
        assertThat(inspect("kept")).as("both pipes hung up; --keep-on-hangup kept this one").isPresent();
        daemon.awaitFdCount(baselineFds + 1);
    }

    @Test
    void hangup_socketPeerCloses_entryIsDropped() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_STREAM);
        try (FdStore store = connect(); Fd mine = pair[0]; Fd theirs = pair[1]) {
            assertThat(mine.isOpen()).as("the peer end stays open until this block ends").isTrue();
            store.save(theirs, "sock");
            InspectInfo sock = inspect("sock").orElseThrow();
            assertThat(sock.socket()).startsWith("unix stream");
            assertThat(sock.peer()).isEqualTo("pid=" + ProcessHandle.current().pid() + " uid=0 gid=0");
        }
        awaitGone("sock");
        assertThat(daemon.logLines("event=expire", "name=sock", "reason=hangup")).hasSize(1);
    }

    /**
     * Runs {@code sleep 600 | fdstore save --fd 0 --name NAME}: the CLI saves the read end of an anonymous pipe
     * whose only writer is the sleep, which is returned. Killing it closes the pipe's write end.
     */
    private Process saveStdin(String name, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--socket", daemon.socket().toString(), "save", "--fd",
                "0", "--name", name));
        args.addAll(List.of(options));
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                new ProcessBuilder("sleep", "600").redirectError(ProcessBuilder.Redirect.DISCARD),
                new ProcessBuilder(JavaProcess.fdstore(args.toArray(String[]::new))).directory(dir.toFile())
                        .redirectErrorStream(true)));
        Process writer = pipeline.get(0);
        Process p = pipeline.get(1);
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).matches("saved file id \\d+\n");
        EntryInfo saved;
        try (FdStore store = connect()) {
            saved = store.list().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
        }
        assertThat(saved.target()).startsWith("pipe:[");
        assertThat(writer.isAlive()).isTrue();
        return writer;
    }
}

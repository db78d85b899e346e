package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.DaemonStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness as a supervisor sees it: every socket the daemon serves (store and notify) is bound before the store
 * socket accepts, and with NOTIFY_SOCKET in its environment (systemd's Type=notify) the serving process sends
 * READY=1 with its own pid as MAINPID, once it accepts; after a failover, the standby that took over sends MAINPID
 * with its pid, and a standby that merely follows sends nothing. The supervisor is a python3 datagram socket.
 */
class DaemonReadinessTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final Set<Long> daemonPids = new TreeSet<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (long pid : daemonPids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void start_notifySocketBoundBeforeStoreAccepts_andReadyReachesSupervisor() throws Exception {
        Process supervisor = supervisor(1);
        Path store = dir.resolve("fdstore.sock");
        Path notify = dir.resolve("notify.sock");
        Process daemon = daemon(store, "--no-mirror", "--notify-socket", notify.toString());

        Await.until("the store socket to accept", Duration.ofSeconds(30),
                () -> !daemon.isAlive() || accepts(store), () -> log());
        assertThat(notify).as("the notify socket when the store socket first accepts").exists();

        List<String> datagrams = datagrams(supervisor);
        assertThat(datagrams).containsExactly("READY=1\nMAINPID=" + daemon.pid() + "\nSTATUS=serving " + store + "\n");
        daemon.destroy();
        assertThat(daemon.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).as(log()).isZero();
    }

    @Test
    void failover_standbyThatTakesOver_sendsItsOwnPidAsMainPid() throws Exception {
        Process supervisor = supervisor(2);
        Path store = dir.resolve("fdstore.sock");
        Process first = daemon(store);
        Await.until("the store socket to accept", Duration.ofSeconds(30),
                () -> !first.isAlive() || accepts(store), () -> log());
        long standby;
        try (FdStore client = FdStore.connect(store.toString())) {
            Await.until("the standby to follow", Duration.ofSeconds(60),
                    () -> status(client).standbyPid().isPresent(), () -> log());
            standby = status(client).standbyPid().getAsInt();
            daemonPids.add(standby);
            first.destroyForcibly();
            first.waitFor(10, TimeUnit.SECONDS);
            Await.until("the standby to serve", Duration.ofSeconds(30),
                    () -> status(client).servingPid() == standby, () -> log());
            // Its own new standby, launched once it serves, is killed after the test too.
            Await.until("a new standby", Duration.ofSeconds(60),
                    () -> status(client).standbyPid().isPresent(), () -> log());
            daemonPids.add((long) status(client).standbyPid().getAsInt());
        }

        List<String> datagrams = datagrams(supervisor);

        assertThat(datagrams).as("one READY=1 per process that served, each with its own pid").containsExactly(
                "READY=1\nMAINPID=" + first.pid() + "\nSTATUS=serving " + store + "\n",
                "READY=1\nMAINPID=" + standby + "\nSTATUS=serving " + store + "\n");
    }

    private static DaemonStatus status(FdStore client) {
        try {
            return client.status();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A python3 supervisor bound at dir/supervisor.sock, which prints each datagram it receives (separated by a
     * NUL byte) and exits after {@code count} of them, or after 90 s.
     */
    private Process supervisor(int count) throws IOException {
        Path socket = dir.resolve("supervisor.sock");
        String script = String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
                "s.bind(sys.argv[1])",
                "s.settimeout(90)",
                "for _ in range(int(sys.argv[2])):",
                "    sys.stdout.buffer.write(s.recv(4096) + b'\\0')",
                "    sys.stdout.flush()");
        Process p = new ProcessBuilder(Scripts.PYTHON, "-c", script, socket.toString(), Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        Await.until("the supervisor's socket", Duration.ofSeconds(10), () -> Files.exists(socket));
        return p;
    }

    /** What the supervisor received, once it has received all it waits for. */
    private static List<String> datagrams(Process supervisor) throws Exception {
        byte[] out = supervisor.getInputStream().readAllBytes();
        assertThat(supervisor.waitFor(100, TimeUnit.SECONDS)).isTrue();
        List<String> datagrams = new ArrayList<>();
        for (String d : new String(out, StandardCharsets.UTF_8).split("\0")) if (!d.isEmpty()) datagrams.add(d);
        return datagrams;
    }

    private Process daemon(Path store, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("daemon", "--socket", store.toString(), "--lame-duck", "0"));
        args.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(JavaProcess.fdstore(args.toArray(String[]::new)))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.log").toFile()));
        builder.environment().put("NOTIFY_SOCKET", dir.resolve("supervisor.sock").toString());
        Process p = builder.start();
        processes.add(p);
        daemonPids.add(p.pid());
        return p;
    }

    private static boolean accepts(Path store) {
        try (Fd socket = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
            Socket.connect(socket, store.toString());
            return true;
        } catch (LinuxException e) {
            return false;
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("daemon.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;
import org.junit.jupiter.api.Test;

/**
 * The daemon started by a socket-activating service manager (a small python launcher, as systemd would with
 * contrib/fdstore.socket): it serves the store socket and the notify socket it was passed with LISTEN_FDS.
 */
class SocketActivationTest {
    private static boolean accepts(Path socket) {
        try (Fd probe = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
            Socket.connect(probe, socket.toString());
            return true;
        } catch (LinuxException e) {
            return false;
        }
    }

    private static Process start(Path dir, List<String> prefix, String... daemonArgs) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        List<String> args = new ArrayList<>(List.of("daemon"));
        args.addAll(List.of(daemonArgs));
        command.addAll(JavaProcess.fdstore(args.toArray(String[]::new)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile());
        builder.environment().keySet().removeAll(List.of("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"));
        return builder.start();
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("daemon.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The fdinfo flags (octal) of the daemon's descriptor {@code fd}. */
    private static int flags(Process p, int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) return Integer.parseInt(line.substring(6).trim(), 8);
        }
        throw new AssertionError("no flags in fdinfo of fd " + fd);
    }

    @Test
    void daemon_storeAndNotifySocketsPassed_servesBothAndLeavesTheSocketFilesToTheManager() throws Exception {
        Path dir = PeerClasspath.newSharedDir("activation");
        Path store = dir.resolve("store.sock");
        Path notify = dir.resolve("notify.sock");
        Path activate = Scripts.copy("activate.py", dir);
        Path pythonNotify = Scripts.copy("notify_fds.py", dir);
        // --socket names the activated socket's path: the serving lock and the hot standby find the daemon by it.
        Process daemon = start(dir, List.of(Scripts.PYTHON, activate.toString(), store.toString(), notify.toString()),
                "--socket", store.toString());
        try {
            Await.until("the activated daemon to serve " + store, Duration.ofSeconds(30),
                    () -> !daemon.isAlive() || log(dir).contains("event=listening"), () -> log(dir));
            assertThat(daemon.isAlive()).as(log(dir)).isTrue();
            assertThat(log(dir)).contains("activated=store,notify", "notify_socket=\"fd 4 (inherited)\"");
            assertThat(accepts(store)).isTrue();
            Await.until("the hot standby to attach through the activated socket", Duration.ofSeconds(60),
                    () -> log(dir).contains("event=mirror_attached"), () -> log(dir));
            assertThat(flags(daemon, 3) & 02004000).as("fd 3 is close-on-exec and non-blocking").isEqualTo(02004000);
            assertThat(flags(daemon, 4) & 02004000).as("fd 4 is close-on-exec and non-blocking").isEqualTo(02004000);

            SystemdClients.pythonNotify(pythonNotify, notify, List.of(), "FDSTORE=1\nFDNAME=activated", "/dev/null")
                    .ok();
            Await.until("the notified fd to be stored", Duration.ofSeconds(30), () -> {
                try {
                    return StoreSnapshot.of(store).equals("1:uid.0/activated");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, () -> log(dir));
            CliRun list = CliRun.run(dir, store, "list");
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.stdout()).contains("activated");

            daemon.destroy();
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).as(log(dir)).isZero();
            assertThat(store).as("an inherited socket's file belongs to the manager").exists();
        } finally {
            daemon.destroyForcibly();
        }
    }

    @Test
    void daemon_listenPidOfAnotherProcess_ignoresTheVariablesAndBindsItsOwnSocket() throws Exception {
        Path dir = PeerClasspath.newSharedDir("activation-other-pid");
        Path own = dir.resolve("own.sock");
        Process daemon = start(dir, List.of("env", "LISTEN_FDS=2", "LISTEN_PID=1"), "--socket", own.toString());
        try {
            Await.until("the daemon to serve " + own, Duration.ofSeconds(30),
                    () -> !daemon.isAlive() || accepts(own), () -> log(dir));
            assertThat(log(dir)).doesNotContain("activated=");
        } finally {
            daemon.destroy();
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void daemon_passedFdThatIsNotASocket_refusesToStartNamingIt() throws Exception {
        Path dir = PeerClasspath.newSharedDir("activation-bad");
        Process daemon = start(dir, List.of("sh", "-c",
                "exec 3</etc/hostname; LISTEN_FDS=1 LISTEN_PID=$$ LISTEN_FDNAMES=bogus exec \"$@\"", "sh"),
                "--socket", dir.resolve("unused.sock").toString());
        try {
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).isEqualTo(111);
            assertThat(log(dir)).contains("socket activation: passed fd 3 (bogus) is not a socket", "ENOTSOCK");
        } finally {
            daemon.destroyForcibly();
        }
    }
}

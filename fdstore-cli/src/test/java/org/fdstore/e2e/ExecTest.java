package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fdstore exec}: COMMAND replaces the CLI's JVM (same pid) and gets exactly what systemd would give it, and a
 * python3-systemd service stores its file and listening socket, exits, and is started again by exec serving the same
 * socket and reading on from the same offset while a client keeps connecting, never refused.
 */
class ExecTest {
    private static Path dir;
    private static Path notify;
    private static Path probe;
    private static Path server;
    private static Path pythonNotify;
    private static DaemonProcess daemon;
    @RegisterExtension
    final ClearedAfterEach cleared = new ClearedAfterEach(() -> daemon);

    /** One finished run: the pid of the process started, its exit code and output. */
    private record Run(long pid, int exitCode, String output) {
        List<String> lines(String prefix) {
            return output.lines().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        dir = PeerClasspath.newSharedDir("exec");
        notify = dir.resolve("notify.sock");
        probe = Scripts.copy("exec_probe.py", dir);
        server = Scripts.copy("fd_store_server.py", dir);
        pythonNotify = Scripts.copy("notify_fds.py", dir);
        Files.writeString(dir.resolve("a.txt"), "alpha");
        Files.writeString(dir.resolve("b.txt"), "bravo");
        daemon = DaemonProcess.start(dir, "--notify-socket", notify.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) assertThat(daemon.stop()).isZero();
    }

    private static void save(String file, String name) throws Exception {
        try (FdStore store = FdStore.connect(daemon.socket().toString());
             Fd fd = Fcntl.open(dir.resolve(file).toString(), Fcntl.O_RDONLY, 0)) {
            store.save(fd, name);
        }
    }

    /** Runs {@code prefix fdstore --socket S exec ARGS} with extra environment, to its end. */
    private static Run exec(List<String> prefix, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        List<String> cli = new ArrayList<>(List.of("--socket", daemon.socket().toString(), "exec"));
        cli.addAll(List.of(args));
        command.addAll(JavaProcess.fdstore(cli.toArray(String[]::new)));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fdstore exec did not end in 60 s: " + out);
        }
        return new Run(p.pid(), p.exitValue(), out);
    }

    @Test
    void exec_everyEntry_placesThemAtFd3WithListenVariablesAndNothingElseInherited() throws Exception {
        save("a.txt", "alpha");
        save("b.txt", "");

        Run run = exec(List.of(), Map.of("NOTIFY_SOCKET", "/stale", "LISTEN_FDS", "9", "LISTEN_FDNAMES", "stale"),
                "--notify=" + notify, "--", Scripts.PYTHON, probe.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.lines("pid ")).as("COMMAND runs as the very process started: no JVM stays behind")
                .containsExactly("pid " + run.pid());
        assertThat(run.lines("env ")).containsExactly("env LISTEN_FDS 2", "env LISTEN_PID " + run.pid(),
                "env LISTEN_FDNAMES alpha:unknown", "env NOTIFY_SOCKET " + notify);
        List<String> fds = run.lines("fd ");
        assertThat(fds).hasSize(5);
        assertThat(fds.get(3)).isEqualTo("fd 3 cloexec=0 " + dir.resolve("a.txt"));
        assertThat(fds.get(4)).isEqualTo("fd 4 cloexec=0 " + dir.resolve("b.txt"));
    }

    @Test
    void exec_names_passesEveryEntryOfEachNameInOptionOrder() throws Exception {
        SystemdClients.pythonNotify(pythonNotify, notify, List.of(), "FDSTORE=1\nFDNAME=web",
                dir.resolve("a.txt").toString(), dir.resolve("a.txt").toString()).ok();
        save("b.txt", "db");
        Await.until("two entries named web", Duration.ofSeconds(30), () -> {
            try {
                return StoreSnapshot.of(daemon.socket()).equals("1:uid.0/web 2:uid.0/web 3:uid.0/db");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        Run run = exec(List.of(), Map.of(), "--name", "db", "--name", "web", "--", Scripts.PYTHON, probe.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.lines("env LISTEN_FDNAMES")).containsExactly("env LISTEN_FDNAMES db:web:web");
        assertThat(run.lines("fd 3")).containsExactly("fd 3 cloexec=0 " + dir.resolve("b.txt"));
    }

    @Test
    void exec_fromAProcessWithIgnoredSignals_givesCommandDefaultDispositionsAndAnEmptyMask() throws Exception {
        save("a.txt", "alpha");

        Run run = exec(List.of("sh", "-c", "trap '' INT QUIT HUP; exec \"$@\"", "sh"), Map.of(),
                "--", "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output().lines().toList()).containsExactly("SigBlk:\t0000000000000000",
                "SigIgn:\t0000000000000000");
    }

    @Test
    void exec_errors_failBeforeExecWithAClearMessage() throws Exception {
        Run empty = exec(List.of(), Map.of(), "--", "true");
        assertThat(empty.exitCode()).isEqualTo(1);
        assertThat(empty.output()).contains("fdstore exec: no entries in namespace \"uid.0\" to pass (ENOENT)");

        save("a.txt", "alpha");
        Run missingName = exec(List.of(), Map.of(), "--name", "beta", "--", "true");
        assertThat(missingName.exitCode()).isEqualTo(1);
        assertThat(missingName.output()).contains("no entry named \"beta\" in namespace \"uid.0\" (ENOENT)");

        Run noCommand = exec(List.of(), Map.of(), "--", "no-such-command-here");
        assertThat(noCommand.exitCode()).isEqualTo(111);
        assertThat(noCommand.output()).contains("no-such-command-here: command not found on PATH (ENOENT)");

        Run notExecutable = exec(List.of(), Map.of(), "--", dir.resolve("a.txt").toString());
        assertThat(notExecutable.exitCode()).isEqualTo(111);
        assertThat(notExecutable.output()).contains("not an executable file (EACCES)");

    }

    @Test
    void exec_notifyWithoutPath_takesTheDaemonsNotifySocketFromStatus() throws Exception {
        save("a.txt", "alpha");

        Run run = exec(List.of(), Map.of(), "--notify", "--", Scripts.PYTHON, probe.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.lines("env NOTIFY_SOCKET")).containsExactly("env NOTIFY_SOCKET " + notify);
    }

    @Test
    void roundTrip_serviceStoresFileAndListenerExitsAndExecRestartsIt_sameSocketSameOffsetNoRefusal()
            throws Exception {
        Path data = dir.resolve("data.txt");
        Files.writeString(data, "helloworld-and-more");
        Path port = dir.resolve("port");
        Path firstReport = dir.resolve("report1");
        Path secondReport = dir.resolve("report2");
        ProcessBuilder first = new ProcessBuilder(Scripts.PYTHON, server.toString(), data.toString(), port.toString(),
                firstReport.toString(), "3").redirectErrorStream(true).redirectOutput(dir.resolve("gen1.out").toFile());
        first.environment().put("NOTIFY_SOCKET", notify.toString());
        Process gen1 = first.start();
        Client client = null;
        try {
            Await.until("the service to report its port", Duration.ofSeconds(30), () -> Files.exists(port));
            client = new Client(Integer.parseInt(Files.readString(port).trim()));
            client.start();
            assertThat(gen1.waitFor(60, TimeUnit.SECONDS)).as("the first run exits after 3 connections").isTrue();
            assertThat(gen1.exitValue()).as(Files.readString(dir.resolve("gen1.out"))).isZero();
            Await.until("the store to hold the service's fds", Duration.ofSeconds(30), () -> {
                try {
                    return StoreSnapshot.of(daemon.socket()).equals("1:uid.0/data 2:uid.0/listener");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });

            Run gen2 = exec(List.of(), Map.of(), "--notify=" + notify, "--", Scripts.PYTHON, server.toString(),
                    data.toString(), dir.resolve("port2").toString(), secondReport.toString(), "3");

            assertThat(gen2.exitCode()).as(gen2.output()).isZero();
            client.finish();
            assertThat(client.refused.get()).as("connections refused").isZero();
            assertThat(client.errors).as("client errors").isEmpty();
            assertThat(client.responses).containsExactly("gen1", "gen1", "gen1", "gen2", "gen2", "gen2");
            assertThat(Files.readString(firstReport)).startsWith("gen1 ").endsWith(" hello\n");
            assertThat(Files.readString(secondReport)).as("the same open file, read on from the same offset")
                    .isEqualTo("gen2 " + gen2.pid() + " world\n");
        } finally {
            if (client != null) client.finish();
            gen1.destroyForcibly();
        }
    }

    /** Connects again and again, reading one line per connection, and counts refusals. */
    private static final class Client extends Thread {
        final AtomicInteger refused = new AtomicInteger();
        final List<String> responses = Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        private final int port;
        private final AtomicReference<Socket> current = new AtomicReference<>();
        private volatile boolean stopping;

        Client(int port) {
            super("round-trip-client");
            this.port = port;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stopping) {
                try (Socket s = new Socket()) {
                    current.set(s);
                    if (stopping) return;
                    s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
                    s.setSoTimeout(120_000);
                    String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                            .readLine();
                    if (line != null) responses.add(line);
                } catch (ConnectException e) {
                    refused.incrementAndGet();
                } catch (IOException e) {
                    if (!stopping) errors.add(e.toString());
                }
            }
        }

        /** Stops the loop: the connection waiting in the backlog is closed. */
        void finish() throws InterruptedException {
            stopping = true;
            Socket s = current.get();
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Closing only to wake the reader.
                }
            }
            join(30_000);
        }
    }
}

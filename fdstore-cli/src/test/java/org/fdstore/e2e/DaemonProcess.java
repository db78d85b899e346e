package org.fdstore.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.Selector;

/**
 * A real daemon in its own JVM, listening on a socket in a temporary directory. Closing it sends SIGTERM and waits;
 * a daemon that does not stop is killed, and the test fails.
 */
final class DaemonProcess implements AutoCloseable {
    private final Process process;
    private final Path socket;
    private final Path log;

    private DaemonProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    static DaemonProcess start(Path dir) throws IOException {
        return start(dir, new String[0]);
    }

    /**
     * A daemon with extra options, e.g. {@code --policy FILE --admin-group 4200}; without a standby, and stopping at
     * once on SIGTERM (no lame duck), so that a test ends quickly and its fd counts are the daemon's alone.
     */
    static DaemonProcess start(Path dir, String... options) throws IOException {
        return startWithJvmOptions(dir, List.of(), options);
    }

    /** As {@link #start(Path, String...)}, in a JVM with extra options, such as {@code -Xlog:class+load}. */
    static DaemonProcess startWithJvmOptions(Path dir, List<String> jvmOptions, String... options) throws IOException {
        java.util.List<String> all = new java.util.ArrayList<>(List.of("--no-mirror", "--lame-duck", "0"));
        all.addAll(List.of(options));
        return launch(dir, jvmOptions, all);
    }

    /** A daemon with its hot standby (the default of {@code fdstore daemon}), stopping at once on SIGTERM. */
    static DaemonProcess startMirrored(Path dir, String... options) throws IOException {
        java.util.List<String> all = new java.util.ArrayList<>(List.of("--lame-duck", "0"));
        all.addAll(List.of(options));
        return launch(dir, List.of(), all);
    }

    private static DaemonProcess launch(Path dir, List<String> jvmOptions, List<String> options) throws IOException {
        Path socket = dir.resolve("fdstore.sock");
        Path log = dir.resolve("daemon.log");
        java.util.List<String> args = new java.util.ArrayList<>(List.of("daemon", "--socket", socket.toString()));
        args.addAll(options);
        Process p = new ProcessBuilder(JavaProcess.fdstore(jvmOptions, args.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        DaemonProcess daemon = new DaemonProcess(p, socket, log);
        try {
            Await.until("the daemon to accept connections on " + socket, Duration.ofSeconds(30),
                    () -> !p.isAlive() || daemon.accepts(), daemon::logText);
            if (!p.isAlive()) throw new AssertionError("the daemon exited at start: " + daemon.logText());
            daemon.warmUp();
        } catch (RuntimeException | Error e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    /**
     * Runs every request path once, so that the JVM has opened every jar and class it needs: a baseline of the fd
     * count taken after this stays put unless the daemon leaks.
     */
    private void warmUp() {
        try (RawClient c = new RawClient(socket); Fd devNull = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            c.hello();
            c.send(new Request.Save("warm-up", new byte[] {1}), List.of(devNull));
            c.receive();
            c.send(new Request.Restore(new Selector.ByName("warm-up")), List.of());
            c.receive();
            c.send(new Request.ListEntries(), List.of());
            c.receive();
            c.send(new Request.Take(new Selector.ByName("warm-up")), List.of());
            c.receive();
            c.send(new Request.Remove(new Selector.ById(1)), List.of());
            c.receive();
            c.send(new Request.Save("warm-up-2", new byte[0], "", new org.fdstore.protocol.Lifetime(3_600_000,
                    true, 1000, false)), List.of(devNull));
            c.receive();
            c.send(new Request.Inspect(), List.of());
            c.receive();
            c.send(new Request.Drop(new org.fdstore.protocol.DropTarget.Mount("/")), List.of());
            c.receive();
            c.send(new Request.Restore(new Selector.ByName("no-such-entry")), List.of());
            c.receive();
            c.send(new Request.Remove(new Selector.ByName("warm-up-2")), List.of());
            c.receive();
            c.send(new byte[3], List.of());
            c.receive();
        } catch (Exception e) {
            throw new AssertionError("warm-up of the daemon failed: " + logText(), e);
        }
        int[] last = {-1};
        int[] stableFor = {0};
        Await.until("the daemon's fd count to settle after warm-up", Duration.ofSeconds(10), () -> {
            int now = fdCount();
            stableFor[0] = now == last[0] ? stableFor[0] + 1 : 0;
            last[0] = now;
            return stableFor[0] >= 10;
        });
    }

    Path socket() {
        return socket;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Descriptors the daemon holds now. */
    int fdCount() {
        String[] names = new File("/proc/" + process.pid() + "/fd").list();
        if (names == null) throw new AssertionError("the daemon (pid " + process.pid() + ") is gone: " + logText());
        return names.length;
    }

    /** Waits until the daemon holds exactly {@code expected} descriptors (closing a hung-up client is async). */
    void awaitFdCount(int expected) {
        Await.until("the daemon to hold " + expected + " fds", Duration.ofSeconds(10),
                () -> fdCount() == expected, () -> "(holds " + fdCount() + ")");
    }

    /** Waits until the log holds {@code count} lines that contain every one of {@code fragments}. */
    void awaitLog(int count, String... fragments) {
        Await.until(count + " log lines with " + List.of(fragments), Duration.ofSeconds(20),
                () -> logLines(fragments).size() >= count, this::logText);
    }

    /** The log lines that contain every one of {@code fragments}. */
    List<String> logLines(String... fragments) {
        return logText().lines().filter(l -> {
            for (String f : fragments) if (!l.contains(f)) return false;
            return true;
        }).toList();
    }

    /** Sends a signal, e.g. {@code HUP}. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new AssertionError("kill -" + name + " failed");
    }

    /** The log file, which the daemon's standbys and successors write to as well. */
    Path log() {
        return log;
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private boolean accepts() {
        try (Fd probe = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
            Socket.connect(probe, socket.toString());
            return true;
        } catch (LinuxException e) {
            return false;
        }
    }

    /** SIGKILL, and waits for the exit. Harmless when the daemon is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) throw new AssertionError("the daemon survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then the exit code; fails the test if it had to be killed. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("the daemon ignored SIGTERM for 15 s: " + logText());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

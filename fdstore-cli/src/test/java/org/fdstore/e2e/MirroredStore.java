package org.fdstore.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.protocol.DaemonStatus;

/**
 * A store served by a chain of processes: the daemon the test started, its hot standbys, successors started with
 * {@code daemon --takeover}, and whoever took over from whom. Every one of them logs into the first daemon's log,
 * which names each pid; closing kills every process of the chain that is still alive, whatever happened.
 */
final class MirroredStore implements AutoCloseable {
    private static final Pattern PID = Pattern.compile("event=(?:listening|serving|standby_launched|following)\\b.*?"
            + " pid=(\\d+)");

    private final DaemonProcess first;
    private final List<Process> launched = new ArrayList<>();

    private MirroredStore(DaemonProcess first) {
        this.first = first;
    }

    /** A mirrored daemon in {@code dir} with extra options, once its standby has attached. */
    static MirroredStore start(Path dir, String... options) throws IOException {
        MirroredStore store = new MirroredStore(DaemonProcess.startMirrored(dir, options));
        try {
            store.awaitStandby();
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
        return store;
    }

    DaemonProcess first() {
        return first;
    }

    Path socket() {
        return first.socket();
    }

    /** What the serving process says now; the client reconnects across transitions. */
    DaemonStatus status() {
        try (FdStore store = FdStore.connect(socket().toString())) {
            return store.status();
        } catch (FdStoreException e) {
            throw new AssertionError("STATUS failed: " + e.getMessage() + "\n" + first.logText(), e);
        }
    }

    /** Waits until some process serves with an attached standby; returns its STATUS. */
    DaemonStatus awaitStandby() {
        DaemonStatus[] last = {null};
        Await.until("a serving daemon with an attached standby", Duration.ofSeconds(60), () -> {
            last[0] = status();
            return last[0].standbyPid().isPresent();
        }, () -> "(status " + last[0] + ")\n" + first.logText());
        return last[0];
    }

    /** Waits until a process other than {@code oldPid} serves with a standby attached; returns its STATUS. */
    DaemonStatus awaitServingOtherThan(int oldPid) {
        DaemonStatus[] last = {null};
        Await.until("a process other than " + oldPid + " to serve with a standby", Duration.ofSeconds(60), () -> {
            last[0] = status();
            return last[0].servingPid() != oldPid && last[0].standbyPid().isPresent();
        }, () -> "(status " + last[0] + ")\n" + first.logText());
        return last[0];
    }

    /** Starts {@code fdstore daemon --takeover} on this store's socket, as fdstore upgrade does. */
    Process takeover() throws IOException {
        Path log = socket().resolveSibling("takeover-" + launched.size() + ".log");
        Process p = new ProcessBuilder(JavaProcess.fdstore("daemon", "--takeover", "--socket", socket().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        launched.add(p);
        return p;
    }

    /** Every pid of the chain that the log names. */
    Set<Integer> pids() {
        Set<Integer> pids = new LinkedHashSet<>();
        pids.add((int) first.pid());
        Matcher m = PID.matcher(first.logText());
        while (m.find()) pids.add(Integer.parseInt(m.group(1)));
        for (Process p : launched) pids.add((int) p.pid());
        return pids;
    }

    /** Whether {@code pid} is a live process of this store (its command line names the socket). */
    boolean alive(int pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .flatMap(h -> h.info().arguments().map(a -> String.join(" ", a)))
                .filter(args -> args.contains(socket().toString())).isPresent();
    }

    /** SIGKILL of one process of the chain. */
    void kill(int pid) {
        if (!alive(pid)) throw new AssertionError("pid " + pid + " is no live process of this store");
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
        h.destroyForcibly();
        Await.until("pid " + pid + " to die", Duration.ofSeconds(15), () -> !h.isAlive());
    }

    /** SIGTERM to one process of the chain; waits until it is gone. */
    void terminate(int pid) throws IOException, InterruptedException {
        if (!alive(pid)) throw new AssertionError("pid " + pid + " is no live process of this store");
        new ProcessBuilder("kill", "-TERM", Integer.toString(pid)).inheritIO().start().waitFor();
        Await.until("pid " + pid + " to stop after SIGTERM", Duration.ofSeconds(30), () -> !alive(pid), this::logText);
    }

    /** How many of {@code pid}'s descriptors refer to {@code file}. */
    static int fdsTo(int pid, Path file) {
        File[] fds = new File("/proc/" + pid + "/fd").listFiles();
        if (fds == null) throw new AssertionError("pid " + pid + " is gone");
        int n = 0;
        for (File fd : fds) {
            try {
                if (Files.readSymbolicLink(fd.toPath()).equals(file)) n++;
            } catch (IOException e) {
                // Closed meanwhile.
            }
        }
        return n;
    }

    static int pidOf(OptionalInt pid) {
        return pid.orElseThrow(() -> new AssertionError("no standby"));
    }

    String logText() {
        return first.logText();
    }

    /** Kills every live process of the chain. */
    @Override
    public void close() {
        first.kill();
        for (Process p : launched) p.destroyForcibly();
        for (int pid : pids()) {
            if (alive(pid)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}

package org.fdstore.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DaemonStatus;

/**
 * One round of {@code bin/bench handover|failover N}: fills the store with N entries, then a prober restores one
 * entry back to back (closing each fd) while the serving process is replaced, by {@code fdstore upgrade} (handover)
 * or by SIGKILL, the standby taking over (failover). The figure is the largest gap between consecutive replies from
 * the trigger on: the last reply of the old process to the first of the new one, as a client sees it (the client
 * library reconnects and resends the RESTORE in flight).
 *
 * <p>Prints the gap in milliseconds on stdout, the daemon's own {@code last_transition_pause_ms} on stderr, and
 * writes the pids now serving and standing by to PIDFILE, for the caller's cleanup. Exit 1 if the prober saw an
 * error or the transition did not happen.
 */
public final class TransitionPause {
    private static final int BATCH = 256;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofMillis(1500);

    private TransitionPause() {}

    public static void main(String[] args) {
        Driver.main("TransitionPause handover|failover N FDSTORE PIDFILE", args, a -> {
            if (a.length != 4 || !(a[0].equals("handover") || a[0].equals("failover"))) {
                throw new Driver.UsageException("expected handover|failover N FDSTORE PIDFILE");
            }
            boolean handover = a[0].equals("handover");
            int n = Driver.count(a, 1, "N (entries)");
            try (FdStore store = FdStore.connect(); Fd file = Driver.openSavedFile()) {
                DaemonStatus before = awaitStandby(store);
                long probeId = fill(store, file, n);
                Thread.sleep(SETTLE); // the standby applies the last changes; a steady state is what is measured
                Prober prober = Prober.start(store.socketPath(), probeId);
                Thread.sleep(SETTLE);
                prober.trigger.set(System.nanoTime());
                if (handover) upgrade(a[2], store.socketPath());
                else ProcessHandle.of(before.servingPid()).ifPresent(ProcessHandle::destroyForcibly);
                DaemonStatus after = awaitTransition(store, before.servingPid(),
                        handover ? DaemonStatus.Transition.HANDOVER : DaemonStatus.Transition.FAILOVER);
                Thread.sleep(SETTLE);
                prober.stop();
                Files.writeString(Path.of(a[3]), after.servingPid() + "\n"
                        + (after.standbyPid().isPresent() ? after.standbyPid().getAsInt() + "\n" : ""));
                if (prober.failure.get() != null) {
                    Driver.progress("the prober failed: " + prober.failure.get());
                    return Driver.CHECK_FAILED;
                }
                if (after.entries() != n) {
                    Driver.progress("the new process holds " + after.entries() + " entries, not " + n);
                    return Driver.CHECK_FAILED;
                }
                Driver.progress(a[0] + " " + n + " entries: pid " + before.servingPid() + " -> " + after.servingPid()
                        + ", " + prober.replies.get() + " replies, daemon's pause "
                        + after.lastTransitionPauseMs().orElse(-1) + " ms");
                System.out.printf("%.1f%n", prober.maxGapNanos.get() / 1e6);
            }
            return Driver.OK;
        });
    }

    private static DaemonStatus awaitStandby(FdStore store) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            DaemonStatus s = store.status();
            if (s.standbyPid().isPresent()) return s;
            if (System.nanoTime() > deadline) throw new IllegalStateException("no standby after " + TIMEOUT);
            Thread.sleep(50);
        }
    }

    /** Saves {@code n} entries of {@code file}, pipelined in batches; returns the first id. */
    private static long fill(FdStore store, Fd file, int n) throws Exception {
        long first = store.save(file, "probe");
        for (int done = 1; done < n; ) {
            int batch = Math.min(BATCH, n - done);
            for (int i = 0; i < batch; i++) store.saveAsync(file, null, null);
            store.awaitSubmitted();
            done += batch;
        }
        return first;
    }

    private static void upgrade(String fdstore, String socket) throws Exception {
        Process p = new ProcessBuilder(fdstore, "--socket", socket, "upgrade")
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) throw new IllegalStateException("fdstore upgrade exited with " + p.exitValue());
    }

    private static DaemonStatus awaitTransition(FdStore store, int oldPid, DaemonStatus.Transition kind)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            DaemonStatus s = store.status();
            if (s.servingPid() != oldPid && s.lastTransition() == kind) return s;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + kind + " from pid " + oldPid + " after " + TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    /** Restores one entry back to back on a connection of its own, and keeps the largest gap since the trigger. */
    private static final class Prober implements Runnable {
        final AtomicLong trigger = new AtomicLong();
        final AtomicLong maxGapNanos = new AtomicLong();
        final AtomicLong replies = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final String socket;
        private final long id;
        private volatile boolean stopped;
        private Thread thread;

        private Prober(String socket, long id) {
            this.socket = socket;
            this.id = id;
        }

        static Prober start(String socket, long id) {
            Prober p = new Prober(socket, id);
            p.thread = Thread.ofPlatform().name("prober").start(p);
            return p;
        }

        @Override
        public void run() {
            try (FdStore store = FdStore.connect(socket)) {
                long previous = System.nanoTime();
                while (!stopped) {
                    store.restore(id).close();
                    long now = System.nanoTime();
                    long since = trigger.get();
                    // The gap that straddles the trigger counts: the old process may stop answering at once.
                    if (since != 0 && now >= since && now - previous > maxGapNanos.get()) maxGapNanos.set(now - previous);
                    previous = now;
                    replies.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join();
        }
    }
}

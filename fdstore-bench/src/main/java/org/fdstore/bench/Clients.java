package org.fdstore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fd;

/**
 * {@code bin/bench clients C N}: C threads, each with its own connection, run N save+restore+remove cycles each,
 * all released at once, after an untimed warm-up of {@value #WARM_UP_CYCLES} cycles shared among them (so that
 * neither JVM measures its interpreter). Prints the latency percentiles of one cycle, the throughput, the errors
 * (failed cycles), and the fds leaked by the daemon and by this process (open fds after the run, once the daemon
 * has seen every connection close, minus before). Exits 1 if there were errors or leaks.
 */
public final class Clients {
    private static final long SETTLE_NANOS = 30_000_000_000L;
    private static final int WARM_UP_CYCLES = 5000;

    private Clients() {}

    public static void main(String[] args) {
        Driver.main("clients C N", args, a -> {
            int clients = Driver.count(a, 0, "C (clients)");
            int cycles = Driver.count(a, 1, "N (cycles per client)");
            int daemonPid;
            try (FdStore probe = FdStore.connect()) {
                daemonPid = probe.daemonPid();
            }
            Path daemonFds = Path.of("/proc", Integer.toString(daemonPid), "fd");
            Path ownFds = Path.of("/proc/self/fd");
            long daemonBefore = settledCount(daemonFds, -1);
            long ownBefore = count(ownFds);

            long[] latencies = new long[clients * cycles];
            AtomicInteger errors = new AtomicInteger();
            CountDownLatch ready = new CountDownLatch(clients);
            CountDownLatch go = new CountDownLatch(1);
            Thread[] threads = new Thread[clients];
            for (int c = 0; c < clients; c++) {
                int offset = c * cycles;
                int warmUp = Math.max(1, WARM_UP_CYCLES / clients);
                threads[c] = Thread.ofPlatform().name("client-" + c).start(() -> {
                    runClient(latencies, offset, cycles, warmUp, errors, ready, go);
                });
            }
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            for (Thread t : threads) t.join();
            long wall = System.nanoTime() - start;

            long daemonLeaked = settledCount(daemonFds, daemonBefore) - daemonBefore;
            long ownLeaked = count(ownFds) - ownBefore;
            long[] sorted = Driver.sorted(latencies);
            String tag = "clients " + clients + "x" + cycles;
            System.out.printf("%s p50 %d ns per save+restore+remove%n", tag, Driver.percentile(sorted, 0.50));
            System.out.printf("%s p90 %d ns per save+restore+remove%n", tag, Driver.percentile(sorted, 0.90));
            System.out.printf("%s p99 %d ns per save+restore+remove%n", tag, Driver.percentile(sorted, 0.99));
            System.out.printf("%s max %d ns per save+restore+remove%n", tag, sorted[sorted.length - 1]);
            System.out.printf("%s throughput %d cycles per second%n", tag,
                    (long) clients * cycles * 1_000_000_000L / wall);
            System.out.printf("%s errors %d cycles%n", tag, errors.get());
            System.out.printf("%s leaked %d fds%n", tag, daemonLeaked + ownLeaked);
            return errors.get() == 0 && daemonLeaked == 0 && ownLeaked == 0 ? Driver.OK : Driver.CHECK_FAILED;
        });
    }

    private static void runClient(long[] latencies, int offset, int cycles, int warmUp, AtomicInteger errors,
            CountDownLatch ready, CountDownLatch go) {
        try (FdStore store = FdStore.connect(); Fd file = Driver.openSavedFile()) {
            Cycle.run(store, file, warmUp);
            ready.countDown();
            go.await();
            for (int i = 0; i < cycles; i++) {
                long t = System.nanoTime();
                try {
                    long id = store.save(file);
                    store.restore(id).close();
                    store.remove(id);
                } catch (Exception e) {
                    if (errors.getAndIncrement() == 0) Driver.progress("first error: " + e.getMessage());
                }
                latencies[offset + i] = System.nanoTime() - t;
            }
        } catch (Exception e) {
            Driver.progress("client failed: " + e.getMessage());
            errors.addAndGet(cycles);
            ready.countDown();
        }
    }

    /**
     * The daemon's open fds once they stop changing, or once they are back to {@code target} (the daemon closes a
     * connection only when it reads the hang-up), waiting at most 30 s.
     */
    private static long settledCount(Path fds, long target) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        long last = count(fds);
        int stable = 0;
        while (last != target && stable < 20 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = count(fds);
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    private static long count(Path fds) throws IOException {
        try (Stream<Path> entries = Files.list(fds)) {
            return entries.count();
        }
    }
}

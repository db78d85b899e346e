package org.fdstore.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.fdstore.client.FdStore;
import org.fdstore.client.SaveItem;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.Selector;

/**
 * {@code bin/bench bulk N}: saves N fds in one request ({@link FdStore#saveAll}), then restores them all in one
 * request by their ids, {@value #REPEATS} times each way, alternating: with {@link FdStore#restoreFds(List)}, each fd
 * with its entry's id and name (as s6-fdholderd's getdump returns fds with their ids), and with
 * {@link FdStore#restoreAll(List)}, each with its whole entry. Prints the medians as
 * {@code bulk <N> fds: <ns> ns per fd} (restoreFds, first: the figure of issue 6's goal) and
 * {@code bulk <N> fds with entries: <ns> ns per fd}.
 *
 * <p>Untimed restores of each kind come first, until {@value #WARM_UP_FDS} fds and at least
 * {@value #MIN_WARM_UPS} requests (at most {@value #MAX_WARM_UPS}): in the interpreter, decoding and adopting each fd
 * costs a hundred times what it costs compiled, so without them a small N would measure the JIT; and the code that
 * runs once per request or per frame of 253 fds (decoding the request, making each reply frame) is compiled only after
 * some requests, so without those a large N would measure the daemon's JIT compiler at work.
 *
 * <p>Closing the restored fds is not timed; the entries are removed at the end, and a removal that fails fails the
 * driver.
 */
public final class Bulk {
    private static final int REPEATS = 5;
    private static final int WARM_UP_FDS = 50_000;
    private static final int MIN_WARM_UPS = 20;
    private static final int MAX_WARM_UPS = 2000;

    private Bulk() {}

    /** One way to restore every selected entry in one request; returns what the caller closes. */
    private interface Restore {
        List<? extends AutoCloseable> run(FdStore store, List<Selector> selectors) throws Exception;
    }

    public static void main(String[] args) {
        Driver.main("bulk N", args, a -> {
            int n = Driver.count(a, 0, "N (fds)");
            try (FdStore store = FdStore.connect(); Fd file = Driver.openSavedFile()) {
                List<Long> ids = store.saveAll(Collections.nCopies(n, SaveItem.of(file)));
                List<Selector> selectors = new ArrayList<>(n);
                for (long id : ids) selectors.add(new Selector.ById(id));
                Restore fds = FdStore::restoreFds;
                Restore entries = FdStore::restoreAll;
                int warmUps = Math.clamp((WARM_UP_FDS + n - 1) / n, MIN_WARM_UPS, MAX_WARM_UPS);
                for (int i = 0; i < warmUps; i++) {
                    time(store, selectors, fds);
                    time(store, selectors, entries);
                }
                long[] fdTimes = new long[REPEATS];
                long[] entryTimes = new long[REPEATS];
                for (int i = 0; i < REPEATS; i++) {
                    fdTimes[i] = time(store, selectors, fds);
                    entryTimes[i] = time(store, selectors, entries);
                }
                List<CompletableFuture<Long>> removals = new ArrayList<>(n);
                for (long id : ids) removals.add(store.removeAsync(new Selector.ById(id)));
                store.awaitSubmitted();
                // A removal that failed leaves its entry in the daemon, which later figures on it would pay for.
                for (CompletableFuture<Long> removal : removals) removal.join();
                System.out.printf("bulk %d fds: %d ns per fd%n", n, median(fdTimes) / n);
                System.out.printf("bulk %d fds with entries: %d ns per fd%n", n, median(entryTimes) / n);
                Driver.progress("bulk " + n + " restoreFds (ns): " + Arrays.toString(fdTimes) + "; restoreAll (ns): "
                        + Arrays.toString(entryTimes));
            }
            return Driver.OK;
        });
    }

    /** Restores every selected entry in one request, checks that all came back, closes them; returns the ns. */
    private static long time(FdStore store, List<Selector> selectors, Restore restore) throws Exception {
        long start = System.nanoTime();
        List<? extends AutoCloseable> restored = restore.run(store, selectors);
        long ns = System.nanoTime() - start;
        for (AutoCloseable r : restored) r.close();
        if (restored.size() != selectors.size()) {
            throw new IllegalStateException(restored.size() + " of " + selectors.size() + " fds restored");
        }
        return ns;
    }

    private static long median(long[] times) {
        return Driver.percentile(Driver.sorted(times), 0.5);
    }
}

package org.fdstore.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.fdstore.client.FdStore;
import org.fdstore.client.Restored;
import org.fdstore.client.SaveItem;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.Selector;

/**
 * {@code bin/bench bulk N}: saves N fds in one request ({@link FdStore#saveAll}), then restores them all in one
 * request by their ids ({@link FdStore#restoreAll(List)}), {@value #REPEATS} times, and prints the median restore as
 * {@code bulk <N> fds: <ns> ns per fd}. Untimed restores come first, until {@value #WARM_UP_FDS} fds have been
 * restored (in at most {@value #MAX_WARM_UPS} requests): in the interpreter, decoding and adopting each fd costs
 * a hundred times what it costs compiled, so without them a small N would measure the JIT. Closing the restored
 * fds is not timed; the entries are removed at the end, and a removal that fails fails the driver.
 */
public final class Bulk {
    private static final int REPEATS = 5;
    private static final int WARM_UP_FDS = 50_000;
    private static final int MAX_WARM_UPS = 2000;

    private Bulk() {}

    public static void main(String[] args) {
        Driver.main("bulk N", args, a -> {
            int n = Driver.count(a, 0, "N (fds)");
            try (FdStore store = FdStore.connect(); Fd file = Driver.openSavedFile()) {
                List<Long> ids = store.saveAll(Collections.nCopies(n, SaveItem.of(file)));
                List<Selector> selectors = new ArrayList<>(n);
                for (long id : ids) selectors.add(new Selector.ById(id));
                long[] times = new long[REPEATS];
                int warmUps = Math.min(MAX_WARM_UPS, (WARM_UP_FDS + n - 1) / n);
                for (int i = 0; i < warmUps; i++) restore(store, selectors, n);
                for (int i = 0; i < REPEATS; i++) times[i] = restore(store, selectors, n);
                List<CompletableFuture<Long>> removals = new ArrayList<>(n);
                for (long id : ids) removals.add(store.removeAsync(new Selector.ById(id)));
                store.awaitSubmitted();
                // A removal that failed leaves its entry in the daemon, which later figures on it would pay for.
                for (CompletableFuture<Long> removal : removals) removal.join();
                System.out.printf("bulk %d fds: %d ns per fd%n", n, Driver.percentile(Driver.sorted(times), 0.5) / n);
                Driver.progress("bulk " + n + " restores (ns): " + Arrays.toString(times));
            }
            return Driver.OK;
        });
    }

    /** Restores every selected entry in one request, checks that all came back, closes them; returns the ns. */
    private static long restore(FdStore store, List<Selector> selectors, int n) throws Exception {
        long start = System.nanoTime();
        List<Restored> restored = store.restoreAll(selectors);
        long ns = System.nanoTime() - start;
        restored.forEach(Restored::close);
        if (restored.size() != n) throw new IllegalStateException(restored.size() + " of " + n + " fds restored");
        return ns;
    }
}

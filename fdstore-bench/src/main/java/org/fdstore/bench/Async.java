package org.fdstore.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.Selector;

/**
 * {@code bin/bench async N}: N saves with {@link FdStore#saveAsync}, in batches of {@value #BATCH}; the caller-side
 * cost is the time spent inside saveAsync (the batches' send loops), the throughput counts the replies too. Each
 * batch is removed, pipelined, outside the timings. Prints
 * {@code async <ns> ns per save on the caller} and {@code async <n> saves per second}.
 */
public final class Async {
    private static final int BATCH = 256;

    private Async() {}

    public static void main(String[] args) {
        Driver.main("async N", args, a -> {
            int n = Driver.count(a, 0, "N (saves)");
            try (FdStore store = FdStore.connect(); Fd file = Driver.openSavedFile()) {
                run(store, file, Driver.warmUp(n));
                long[] callerAndTotal = run(store, file, n);
                System.out.printf("async %d ns per save on the caller%n", callerAndTotal[0] / n);
                System.out.printf("async %d saves per second%n", n * 1_000_000_000L / callerAndTotal[1]);
            }
            return Driver.OK;
        });
    }

    /**
     * Saves {@code n} entries, a batch at a time, removing each batch once its ids are in (the store's capacity
     * stays free), and returns {caller-side ns, ns of the saves until their last reply}.
     */
    private static long[] run(FdStore store, Fd file, int n) throws Exception {
        List<CompletableFuture<Long>> saved = new ArrayList<>(BATCH);
        long caller = 0;
        long total = 0;
        for (int done = 0; done < n; ) {
            int batch = Math.min(BATCH, n - done);
            long start = System.nanoTime();
            for (int i = 0; i < batch; i++) saved.add(store.saveAsync(file, null, null));
            long sent = System.nanoTime();
            store.awaitSubmitted();
            caller += sent - start;
            total += System.nanoTime() - start;
            for (CompletableFuture<Long> id : saved) store.removeAsync(new Selector.ById(id.join()));
            store.awaitSubmitted();
            saved.clear();
            done += batch;
        }
        return new long[] {caller, total};
    }
}

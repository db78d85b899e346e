package org.fdstore.bench;

import org.fdstore.client.FdStore;
import org.fdstore.linux.Fd;

/**
 * {@code bin/bench cycle N}: one connection, N save+restore+remove cycles of one fd, after an untimed warm-up
 * ({@link Driver#warmUp}) so that the JIT has compiled the path. Prints
 * {@code cycle <ns> ns per save+restore+remove}.
 */
public final class Cycle {
    private Cycle() {}

    public static void main(String[] args) {
        Driver.main("cycle N", args, a -> {
            int n = Driver.count(a, 0, "N (cycles)");
            try (FdStore store = FdStore.connect(); Fd file = Driver.openSavedFile()) {
                run(store, file, Driver.warmUp(n));
                long ns = run(store, file, n);
                System.out.printf("cycle %d ns per save+restore+remove%n", ns / n);
            }
            return Driver.OK;
        });
    }

    /** Runs {@code n} cycles and returns their total time in nanoseconds. */
    static long run(FdStore store, Fd file, int n) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long id = store.save(file);
            store.restore(id).close();
            store.remove(id);
        }
        return System.nanoTime() - start;
    }
}

package org.fdstore.bench;

import org.fdstore.client.FdStore;
import org.fdstore.linux.Fd;

/**
 * {@code bin/bench fastpath N}: saves one fd, then restores it N times with {@link FdStore#restoreFast} (pidfd_getfd
 * through the daemon's shared index, no round trip), after an untimed warm-up ({@link Driver#warmUp}), closing
 * each fd. Prints {@code fastpath <ns> ns per restore}, and the socket restore measured the same way beside it
 * ({@code fastpath-socket <ns> ns per restore}). Exits 1 if the daemon did not grant the fast path.
 */
public final class Fastpath {
    private Fastpath() {}

    public static void main(String[] args) {
        Driver.main("fastpath N", args, a -> {
            int n = Driver.count(a, 0, "N (restores)");
            try (FdStore store = FdStore.connect(); Fd file = Driver.openSavedFile()) {
                long id = store.save(file);
                if (!store.fastPathAvailable()) {
                    Driver.progress("the daemon did not grant the fast path (not root, or not allowed to ptrace it)");
                    store.remove(id);
                    return Driver.CHECK_FAILED;
                }
                int warmUp = Driver.warmUp(n);
                run(store, id, warmUp, true);
                long fast = run(store, id, n, true);
                run(store, id, warmUp, false);
                long socket = run(store, id, n, false);
                store.remove(id);
                System.out.printf("fastpath %d ns per restore%n", fast / n);
                System.out.printf("fastpath-socket %d ns per restore%n", socket / n);
            }
            return Driver.OK;
        });
    }

    private static long run(FdStore store, long id, int n, boolean fast) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (Fd fd = fast ? store.restoreFast(id) : store.restore(id)) {
                // only the restore is measured; the fd is closed at once
            }
        }
        return System.nanoTime() - start;
    }
}

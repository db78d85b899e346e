package org.fdstore.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.Restored;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.Selector;

/**
 * Clients that save a file under fresh names and restore names saved before, in a loop, each on its own connection
 * of the client library. Every acknowledged save is recorded with its id; a save whose outcome the client reports
 * unknown (the daemon died with it in flight) is recorded apart; any other error is recorded as a failure.
 */
final class StoreLoad implements AutoCloseable {
    private final Path socket;
    private final Path payload;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    /** Acknowledged saves: name to id. */
    final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    /** Saves whose outcome is unknown. */
    final Set<String> unknown = ConcurrentHashMap.newKeySet();
    /** Errors a client was not told to retry. */
    final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicLong restores = new AtomicLong();

    StoreLoad(Path socket, Path payload, int clients) {
        this.socket = socket;
        this.payload = payload;
        for (int t = 0; t < clients; t++) {
            int client = t;
            threads.add(Thread.ofPlatform().name("load-" + t).start(() -> run(client)));
        }
    }

    private void run(int client) {
        List<String> mine = new ArrayList<>();
        try (FdStore store = FdStore.connect(socket.toString())) {
            for (int i = 0; !stopping; i++) {
                String name = "c" + client + "-" + i;
                try (Fd fd = Fcntl.open(payload.toString(), Fcntl.O_RDONLY, 0)) {
                    long id = store.save(fd, name);
                    acknowledged.put(name, id);
                    mine.add(name);
                } catch (FdStoreException e) {
                    if (e.outcomeUnknown()) unknown.add(name);
                    else failures.add("save " + name + ": " + e.getMessage());
                }
                if (!mine.isEmpty() && i % 3 == 0) {
                    String old = mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
                    try (Restored r = store.restore(new Selector.ByName(old))) {
                        if (r.entry().id() != acknowledged.get(old)) {
                            failures.add("restore " + old + ": id " + r.entry().id() + ", saved as "
                                    + acknowledged.get(old));
                        }
                        restores.incrementAndGet();
                    } catch (FdStoreException e) {
                        failures.add("restore " + old + ": " + e.getMessage());
                    }
                }
            }
        } catch (Exception e) {
            failures.add("client " + client + ": " + e);
        }
    }

    /** Waits until at least {@code count} more saves were acknowledged. */
    void awaitProgress(int count) {
        int target = acknowledged.size() + count;
        Await.until(count + " more acknowledged saves", java.time.Duration.ofSeconds(60),
                () -> acknowledged.size() >= target, () -> "(failures " + failures + ")");
    }

    /** Stops the clients and waits for them. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) {
            t.join(60_000);
            if (t.isAlive()) throw new AssertionError(t.getName() + " did not stop");
        }
    }
}

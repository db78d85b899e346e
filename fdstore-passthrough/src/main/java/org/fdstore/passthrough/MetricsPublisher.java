package org.fdstore.passthrough;

import java.time.Duration;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.fuse.FuseStats;

/**
 * Publishes a serving process's FUSE request counts and handler times on the store daemon's metrics, once a
 * second, labelled with the mountpoint. They count from this process's start: a successor starts again from zero.
 *
 * <p>Thread safe: {@link #start()} and {@link #stop()} may be called from any thread, each once.
 */
final class MetricsPublisher {
    private static final System.Logger LOG = System.getLogger("fdstore.passthrough");
    private static final Duration PERIOD = Duration.ofSeconds(1);

    private final FuseStats stats;
    private final String mountpoint;
    private final FdStore store;
    private final Thread thread;

    MetricsPublisher(FuseStats stats, String mountpoint, FdStore store) {
        this.stats = stats;
        this.mountpoint = mountpoint;
        this.store = store;
        this.thread = Thread.ofPlatform().name("fdstore-fuse-metrics").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void stop() {
        thread.interrupt();
    }

    private void run() {
        boolean warned = false;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                store.publishMetrics(text());
                warned = false;
            } catch (FdStoreException | IllegalArgumentException e) {
                if (!warned) {
                    LOG.log(System.Logger.Level.WARNING, "event=metrics_publish_failed mountpoint=" + mountpoint
                            + " reason=\"" + e.getMessage() + "\"");
                }
                warned = true;
            }
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The PUBLISH_METRICS text of the stats now. */
    String text() {
        StringBuilder out = new StringBuilder();
        for (FuseStats.OpStats op : stats.snapshot()) {
            String labels = "{mount=\"" + mountpoint + "\",op=\"" + op.op() + "\"} ";
            out.append("fdstore_fuse_requests_total").append(labels).append(op.requests()).append('\n');
            out.append("fdstore_fuse_request_duration_seconds_sum").append(labels).append(op.nanos() / 1e9)
                    .append('\n');
            out.append("fdstore_fuse_request_duration_seconds_count").append(labels).append(op.requests())
                    .append('\n');
        }
        return out.toString();
    }
}

package org.fdstore.daemon.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fdstore.daemon.observe.MetricFamily;
import org.fdstore.daemon.observe.PublishedMetrics;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Resource;

/**
 * The metrics of a store at one moment: its gauges, read from the registry, the quotas and the connections, then
 * its counters. Taken on the event loop; the list it returns is immutable, so other threads may write it out.
 *
 * <p>Stateless and thread safe; its input belongs to the loop.
 */
final class StoreMetrics {
    private StoreMetrics() {}

    static List<MetricFamily> families(Store store, Collection<Connection> connections, Replication replication) {
        Map<List<String>, Long> byNamespaceAndKind = new TreeMap<>(StoreMetrics::compare);
        Map<Integer, Long> uids = new TreeMap<>(Integer::compareUnsigned);
        for (Entry e : store.registry.entries(e -> true)) {
            byNamespaceAndKind.merge(List.of(e.namespace(), e.kind().label()), 1L, Long::sum);
            uids.putIfAbsent(e.owner().uid(), 0L);
        }
        Map<Integer, Long> connectionsByUid = new TreeMap<>(Integer::compareUnsigned);
        for (Connection c : connections) connectionsByUid.merge(c.peer.uid(), 1L, Long::sum);
        long[] standby = replication.standbyState();
        List<MetricFamily> families = new ArrayList<>();
        List<MetricFamily.Sample> entries = new ArrayList<>();
        byNamespaceAndKind.forEach((key, n) -> entries.add(new MetricFamily.Sample("fdstore_entries",
                List.of("namespace", key.get(0), "kind", key.get(1)), n)));
        families.add(new MetricFamily("fdstore_entries", "gauge", "Entries stored, by namespace and kind of file.",
                entries));
        families.add(gauge("fdstore_fds", "Descriptors open in the serving daemon, stored ones included.",
                openFds()));
        families.add(gauge("fdstore_fd_limit", "The serving daemon's RLIMIT_NOFILE.", fdLimit()));
        families.add(gauge("fdstore_capacity", "Entries the store may hold.", store.registry.capacity()));
        families.add(byUid("fdstore_connections", "Client connections open, by peer uid.", connectionsByUid));
        uids.replaceAll((uid, zero) -> store.quotas.entriesOf(uid));
        families.add(byUid("fdstore_quota_used", "Entries charged to a uid's quota, by uid.", uids));
        families.add(gauge("fdstore_standby_up", "1 if a hot standby holds the whole store and can take over.",
                standby[0]));
        families.add(gauge("fdstore_standby_lag_frames",
                "Snapshot frames a standby that is attaching still lacks; 0 once it holds the whole store.",
                standby[1]));
        families.addAll(store.counters.families());
        families.addAll(PublishedMetrics.families(connections.stream().map(c -> c.published).toList()));
        return List.copyOf(families);
    }

    /** Descriptors open in this process. */
    static int openFds() {
        String[] fds = new java.io.File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }

    /** This process's RLIMIT_NOFILE, or 0 if it cannot be read. */
    static long fdLimit() {
        try {
            return Resource.openFileLimit();
        } catch (LinuxException e) {
            return 0;
        }
    }

    private static MetricFamily gauge(String name, String help, double value) {
        return new MetricFamily(name, "gauge", help, List.of(new MetricFamily.Sample(name, List.of(), value)));
    }

    private static MetricFamily byUid(String name, String help, Map<Integer, Long> values) {
        List<MetricFamily.Sample> samples = new ArrayList<>();
        values.forEach((uid, n) -> samples.add(new MetricFamily.Sample(name,
                List.of("uid", Integer.toUnsignedString(uid)), n)));
        return new MetricFamily(name, "gauge", help, samples);
    }

    private static int compare(List<String> a, List<String> b) {
        int c = a.get(0).compareTo(b.get(0));
        return c != 0 ? c : a.get(1).compareTo(b.get(1));
    }
}

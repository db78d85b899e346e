package org.fdstore.daemon.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fdstore.daemon.lifetime.Expiry;
import org.fdstore.linux.Errno;
import org.fdstore.protocol.MessageType;

/**
 * The daemon's counters: requests by type and result, their durations, expiries, transitions. Counting costs a few
 * array stores and no allocation; the arrays are indexed by request code and errno.
 *
 * <p>They continue across handover and failover: {@link #export()} gives every value as (key, value) pairs that
 * the successor or standby adds to its own with {@link #add}.
 *
 * <p>Not thread safe: the event loop counts and exports; other threads read the families it made.
 */
public final class Counters {
    /** Upper bounds of the duration histogram's buckets, in seconds; the last bucket, +Inf, is the count. */
    static final double[] BUCKET_SECONDS = {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.25, 1};
    private static final long[] BUCKET_NANOS = new long[BUCKET_SECONDS.length];
    /** Request codes 0 to 15: every type of version 1; 0 counts codes the version does not define. */
    private static final int TYPES = 16;
    /** Result 0 is ok; 1 to 255 are errnos; {@link #OTHER_RESULT} any errno above. */
    private static final int OTHER_RESULT = 256;
    /** The buckets' {@code le} labels, in plain decimal. */
    private static final String[] LE = java.util.Arrays.stream(BUCKET_SECONDS)
            .mapToObj(s -> java.math.BigDecimal.valueOf(s).stripTrailingZeros().toPlainString()).toArray(String[]::new);
    private static final String[] TRANSITIONS = {"handover", "failover"};

    /** Whether version 1 defines a request code: looked up per request, where ofCode would make an Optional. */
    private static final boolean[] DEFINED = new boolean[TYPES];

    static {
        for (int i = 0; i < BUCKET_SECONDS.length; i++) BUCKET_NANOS[i] = Math.round(BUCKET_SECONDS[i] * 1e9);
        for (MessageType t : MessageType.values()) if (t.code() < TYPES) DEFINED[t.code()] = true;
    }

    private final long[][] requests = new long[TYPES][OTHER_RESULT + 1];
    private final long[][] buckets = new long[TYPES][BUCKET_SECONDS.length];
    private final long[] durationNanos = new long[TYPES];
    private final long[] expired = new long[Expiry.values().length];
    private final long[] transitions = new long[TRANSITIONS.length];
    private long lastPauseMicros;

    /** Counts one request of {@code code} answered with {@code errno} (0: success) after {@code nanos}. */
    public void request(int code, int errno, long nanos) {
        int type = typeIndex(code);
        requests[type][errno >= 0 && errno < OTHER_RESULT ? errno : OTHER_RESULT]++;
        durationNanos[type] += nanos;
        long[] row = buckets[type];
        for (int i = 0; i < BUCKET_NANOS.length; i++) {
            if (nanos <= BUCKET_NANOS[i]) {
                row[i]++;
                break;
            }
        }
    }

    /** Counts an entry whose lifetime ended. */
    public void expired(Expiry why) {
        expired[why.ordinal()]++;
    }

    /** Counts a transition ({@code handover} or {@code failover}) that paused serving for {@code pauseMillis}. */
    public void transitioned(String kind, long pauseMillis) {
        for (int i = 0; i < TRANSITIONS.length; i++) if (TRANSITIONS[i].equals(kind)) transitions[i]++;
        lastPauseMicros = pauseMillis * 1000;
    }

    /** The counter families, with every type and result counted so far. */
    public List<MetricFamily> families() {
        List<MetricFamily.Sample> counts = new ArrayList<>();
        List<MetricFamily.Sample> histogram = new ArrayList<>();
        for (int type = 0; type < TYPES; type++) {
            long total = 0;
            for (long n : requests[type]) total += n;
            if (total == 0) continue;
            String name = typeName(type);
            for (int result = 0; result <= OTHER_RESULT; result++) {
                long n = requests[type][result];
                if (n > 0) counts.add(new MetricFamily.Sample("fdstore_requests_total",
                        List.of("type", name, "result", resultName(result)), n));
            }
            long cumulative = 0;
            for (int i = 0; i < BUCKET_SECONDS.length; i++) {
                cumulative += buckets[type][i];
                histogram.add(new MetricFamily.Sample("fdstore_request_duration_seconds_bucket",
                        List.of("type", name, "le", LE[i]), cumulative));
            }
            histogram.add(new MetricFamily.Sample("fdstore_request_duration_seconds_bucket",
                    List.of("type", name, "le", "+Inf"), total));
            histogram.add(new MetricFamily.Sample("fdstore_request_duration_seconds_sum", List.of("type", name),
                    durationNanos[type] / 1e9));
            histogram.add(new MetricFamily.Sample("fdstore_request_duration_seconds_count", List.of("type", name),
                    total));
        }
        List<MetricFamily.Sample> expiries = new ArrayList<>();
        for (Expiry e : Expiry.values()) {
            expiries.add(new MetricFamily.Sample("fdstore_expired_total", List.of("reason", e.word()),
                    expired[e.ordinal()]));
        }
        List<MetricFamily.Sample> moves = new ArrayList<>();
        for (int i = 0; i < TRANSITIONS.length; i++) {
            moves.add(new MetricFamily.Sample("fdstore_transitions_total", List.of("kind", TRANSITIONS[i]),
                    transitions[i]));
        }
        return List.of(
                new MetricFamily("fdstore_requests_total", "counter",
                        "Requests answered, by type and result (ok or the errno name).", counts),
                new MetricFamily("fdstore_request_duration_seconds", "histogram",
                        "Time the event loop spent on a request, from decoding it to queuing its replies, by type.", histogram),
                new MetricFamily("fdstore_expired_total", "counter",
                        "Entries whose lifetime ended, by reason.", expiries),
                new MetricFamily("fdstore_transitions_total", "counter",
                        "Handovers and failovers the store went through.", moves),
                new MetricFamily("fdstore_last_transition_pause_seconds", "gauge",
                        "How long the last handover or failover left no process serving.",
                        List.of(new MetricFamily.Sample("fdstore_last_transition_pause_seconds", List.of(),
                                lastPauseMicros / 1e6))));
    }

    /** Every nonzero value as (key, value) pairs, for the process that serves next. */
    public Map<String, Long> export() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int type = 0; type < TYPES; type++) {
            for (int result = 0; result <= OTHER_RESULT; result++) {
                put(m, "requests/" + type + "/" + result, requests[type][result]);
            }
            for (int i = 0; i < BUCKET_SECONDS.length; i++) put(m, "bucket/" + type + "/" + i, buckets[type][i]);
            put(m, "duration_ns/" + type, durationNanos[type]);
        }
        for (int i = 0; i < expired.length; i++) put(m, "expired/" + i, expired[i]);
        for (int i = 0; i < transitions.length; i++) put(m, "transitions/" + i, transitions[i]);
        put(m, "last_pause_us", lastPauseMicros);
        return m;
    }

    /**
     * Adds the values another process exported; the last pause is taken, not added. Keys this build does not know
     * are ignored.
     */
    public void add(Map<String, Long> exported) {
        exported.forEach((key, value) -> {
            String[] k = key.split("/");
            try {
                switch (k[0]) {
                    case "requests" -> requests[typeIndex(Integer.parseInt(k[1]))][Integer.parseInt(k[2])] += value;
                    case "bucket" -> buckets[typeIndex(Integer.parseInt(k[1]))][Integer.parseInt(k[2])] += value;
                    case "duration_ns" -> durationNanos[typeIndex(Integer.parseInt(k[1]))] += value;
                    case "expired" -> expired[Integer.parseInt(k[1])] += value;
                    case "transitions" -> transitions[Integer.parseInt(k[1])] += value;
                    case "last_pause_us" -> lastPauseMicros = value;
                    default -> { }
                }
            } catch (RuntimeException unknown) {
                // A key of another build (an index out of this one's range, a malformed key): ignored.
            }
        });
    }

    private static void put(Map<String, Long> m, String key, long value) {
        if (value != 0) m.put(key, value);
    }

    /** The row of request code {@code code}: itself if version 1 defines it, else 0. */
    private static int typeIndex(int code) {
        return code > 0 && code < TYPES && DEFINED[code] ? code : 0;
    }

    private static String typeName(int type) {
        return type == 0 ? "unknown" : MessageType.ofCode(type).orElseThrow().name().toLowerCase(Locale.ROOT);
    }

    private static String resultName(int result) {
        if (result == 0) return "ok";
        if (result == OTHER_RESULT) return "other";
        Errno e = Errno.of(result);
        return e == Errno.UNKNOWN ? "errno_" + result : e.name();
    }
}

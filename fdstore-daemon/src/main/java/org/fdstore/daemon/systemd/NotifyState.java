package org.fdstore.daemon.systemd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fdstore.daemon.registry.Entry;

/**
 * What senders said through the notify socket besides storing fds (READY=1, STATUS=…, MAINPID=…, STOPPING=1…),
 * kept for {@code fdstore status}: the last value of each key, per sender pid.
 *
 * <p>Bounded: at most {@value #MAX_SENDERS} senders (the one heard from longest ago is forgotten first),
 * {@value #MAX_KEYS} keys each, values cut to {@value #MAX_VALUE_BYTES} bytes.
 *
 * <p>Not thread safe: the event loop owns it. {@link #pairs()} returns a copy.
 */
public final class NotifyState {
    static final int MAX_SENDERS = 64;
    static final int MAX_KEYS = 16;
    static final int MAX_VALUE_BYTES = 256;
    /** The keys that act on the fd store rather than describe the sender. */
    private static final Set<String> STORE_KEYS = Set.of("FDSTORE", "FDSTOREREMOVE", "FDNAME", "FDPOLL");

    private final String socketName;
    /** Per pid, in order of last contact (access order). */
    private final LinkedHashMap<Integer, Map<String, String>> senders = new LinkedHashMap<>(16, 0.75f, true);

    /** The state of the notify socket {@code socketName} (a path, {@code @name}, or how it was inherited). */
    public NotifyState(String socketName) {
        this.socketName = socketName;
    }

    /** Records the non-store keys of {@code message} from {@code pid}; returns whether there were any. */
    public boolean record(int pid, NotifyMessage message) {
        Map<String, String> kept = null;
        for (Map.Entry<String, String> field : message.fields().entrySet()) {
            if (STORE_KEYS.contains(field.getKey())) continue;
            if (kept == null) {
                kept = senders.get(pid);
                if (kept == null) {
                    if (senders.size() >= MAX_SENDERS) senders.remove(senders.keySet().iterator().next());
                    kept = new LinkedHashMap<>();
                    senders.put(pid, kept);
                }
            }
            String key = field.getKey().toLowerCase(Locale.ROOT);
            if (kept.size() >= MAX_KEYS && !kept.containsKey(key)) continue;
            kept.put(key, Entry.fit(field.getValue(), MAX_VALUE_BYTES));
        }
        return kept != null;
    }

    /**
     * The state as STATUS key/value pairs: {@code notify_socket}, then {@code notify.PID.KEY} for each recorded key
     * of each sender (KEY lower case: {@code notify.1234.ready = 1}, {@code notify.1234.status = ...}).
     */
    public List<Map.Entry<String, String>> pairs() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        out.add(Map.entry("notify_socket", socketName));
        for (Map.Entry<Integer, Map<String, String>> sender : senders.entrySet()) {
            for (Map.Entry<String, String> field : sender.getValue().entrySet()) {
                out.add(Map.entry("notify." + sender.getKey() + "." + field.getKey(), field.getValue()));
            }
        }
        return out;
    }
}

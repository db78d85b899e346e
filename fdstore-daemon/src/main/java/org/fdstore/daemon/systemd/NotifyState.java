package org.fdstore.daemon.systemd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.protocol.DaemonStatus;

/**
 * What senders said through the notify socket besides storing fds (READY=1, STATUS=…, MAINPID=…, STOPPING=1…),
 * kept for STATUS: the last value of each key, per sender pid.
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
    /** STATUS keys hold 64 bytes; {@code notify_}, a pid of up to 10 digits and {@code _} take 18. */
    static final int MAX_STATUS_KEY = 46;
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
            String key = statusKey(field.getKey());
            if (key == null) continue;
            if (kept.size() >= MAX_KEYS && !kept.containsKey(key)) continue;
            kept.put(key, Entry.fit(field.getValue(), MAX_VALUE_BYTES));
        }
        return kept != null;
    }

    /**
     * The state as STATUS key/value pairs: {@code notify_socket}, then {@code notify_PID_KEY} for each recorded key
     * of each sender, KEY in lower_snake_case ({@code notify_1234_ready = 1}, {@code notify_1234_status = ...}).
     */
    public List<Map.Entry<String, String>> pairs() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        out.add(Map.entry("notify_socket", socketName));
        for (Map.Entry<Integer, Map<String, String>> sender : senders.entrySet()) {
            for (Map.Entry<String, String> field : sender.getValue().entrySet()) {
                out.add(Map.entry("notify_" + Integer.toUnsignedString(sender.getKey()) + "_" + field.getKey(),
                        field.getValue()));
            }
        }
        return out;
    }

    /** Adds {@link #pairs()} to a STATUS reply. */
    public void describe(DaemonStatus.Builder status) {
        for (Map.Entry<String, String> pair : pairs()) status.add(pair.getKey(), pair.getValue());
    }

    /**
     * {@code key} in lower_snake_case ({@code X-Foo} becomes {@code x_foo}), or null if nothing is left of it or it
     * would not fit a STATUS key ({@code notify_PID_} plus at most {@value #MAX_STATUS_KEY} bytes).
     */
    static String statusKey(String key) {
        String snake = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return snake.isEmpty() || snake.length() > MAX_STATUS_KEY ? null : snake;
    }
}

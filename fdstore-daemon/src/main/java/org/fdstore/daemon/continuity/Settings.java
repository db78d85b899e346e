package org.fdstore.daemon.continuity;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fdstore.daemon.DaemonConfig;
import org.fdstore.daemon.observe.LogLevel;
import org.fdstore.daemon.server.ServerLimits;

/**
 * A daemon's configuration as the (key, value) strings of the CONFIG frame, so that a successor or a standby runs
 * with the options of the daemon it follows whatever its own command line said.
 *
 * <p>Stateless and thread safe.
 */
final class Settings {
    private Settings() {}

    /** The pairs for {@code config}. */
    static Map<String, String> of(DaemonConfig config) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("socket", config.socket().toString());
        m.put("max_entries", Integer.toString(config.maxEntries()));
        m.put("max_connections", Integer.toString(config.limits().maxConnections()));
        m.put("max_queued_fds", Integer.toString(config.limits().maxQueuedFds()));
        m.put("slow_client_ms", Long.toString(config.limits().slowClientMillis()));
        m.put("busy_poll_us", Integer.toString(config.limits().busyPollMicros()));
        m.put("connections_per_uid", Integer.toString(config.limits().connectionsPerUid()));
        m.put("notify_per_second", Integer.toString(config.limits().notifyPerSecond()));
        if (config.policy() != null) m.put("policy", config.policy().toString());
        if (config.adminGroup() != null) m.put("admin_group", config.adminGroup());
        if (config.auditLog() != null) m.put("audit_log", config.auditLog().toString());
        m.put("mirror", Boolean.toString(config.mirror()));
        m.put("lame_duck_ms", Long.toString(config.lameDuckMillis()));
        if (config.notifySocket() != null) m.put("notify_socket", config.notifySocket());
        m.put("log_level", config.logLevel().label());
        if (config.metrics() != null) m.put("metrics", config.metrics());
        return m;
    }

    /**
     * The configuration the pairs describe.
     *
     * @throws IllegalArgumentException if a key is missing or a number malformed
     */
    static DaemonConfig config(Map<String, String> m) {
        ServerLimits limits = new ServerLimits(integer(m, "max_connections"), integer(m, "max_queued_fds"),
                Long.parseLong(required(m, "slow_client_ms")),
                // A CONFIG from a build that predates busy_poll_us lacks it: poll as a new daemon does.
                m.containsKey("busy_poll_us") ? integer(m, "busy_poll_us") : ServerLimits.DEFAULT_BUSY_POLL_MICROS,
                // Likewise for the fair-share limits: a quarter of the connections, the default notify rate.
                m.containsKey("connections_per_uid") ? integer(m, "connections_per_uid") : 0,
                m.containsKey("notify_per_second") ? integer(m, "notify_per_second")
                        : ServerLimits.DEFAULT_NOTIFY_PER_SECOND);
        return new DaemonConfig(Path.of(required(m, "socket")), integer(m, "max_entries"), limits,
                m.containsKey("policy") ? Path.of(m.get("policy")) : null, m.get("admin_group"),
                m.containsKey("audit_log") ? Path.of(m.get("audit_log")) : null,
                Boolean.parseBoolean(required(m, "mirror")), Long.parseLong(required(m, "lame_duck_ms")),
                m.get("notify_socket"),
                // A CONFIG from a build that predates log_level lacks it: log as a new daemon does.
                m.containsKey("log_level") ? LogLevel.parse(m.get("log_level")) : LogLevel.INFO, m.get("metrics"));
    }

    private static int integer(Map<String, String> m, String key) {
        return Integer.parseInt(required(m, key));
    }

    private static String required(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException("CONFIG lacks " + key);
        return v;
    }
}

package org.fdstore.daemon;

import java.nio.file.Path;
import org.fdstore.daemon.observe.LogLevel;
import org.fdstore.daemon.server.ServerLimits;

/**
 * How a daemon runs.
 *
 * @param socket     where it listens
 * @param maxEntries the most entries it stores; 0 chooses from RLIMIT_NOFILE, keeping room for connections
 * @param limits     the event loop's limits
 * @param policy     the policy file (docs/security.md), or null for the built-in default policy
 * @param adminGroup a group name or number whose members may do anything, as root may; null for none
 * @param auditLog   a file the audit lines are appended to, or null for the daemon's log on stderr
 * @param mirror     whether a hot standby mirrors every entry, so that a kill -9 of the daemon loses nothing
 *                   (docs/operations.md); it needs a {@link org.fdstore.daemon.continuity.StandbyLauncher}
 * @param lameDuckMillis how long SIGTERM keeps serving, waiting for a successor, before the daemon stops
 * @param notifySocket where to receive sd_notify datagrams (a path, or {@code @name} in the abstract namespace);
 *                   null for none (docs/systemd.md)
 * @param logLevel   the least a line must be to be logged (docs/cli/daemon.md)
 * @param metrics    {@code HOST:PORT} where the serving process serves {@code GET /metrics}; null for none
 *                   (docs/operations.md)
 */
public record DaemonConfig(Path socket, int maxEntries, ServerLimits limits, Path policy, String adminGroup,
        Path auditLog, boolean mirror, long lameDuckMillis, String notifySocket, LogLevel logLevel, String metrics) {
    /** This configuration without a metrics endpoint. */
    public DaemonConfig(Path socket, int maxEntries, ServerLimits limits, Path policy, String adminGroup,
                        Path auditLog, boolean mirror, long lameDuckMillis, String notifySocket, LogLevel logLevel) {
        this(socket, maxEntries, limits, policy, adminGroup, auditLog, mirror, lameDuckMillis, notifySocket, logLevel,
                null);
    }

    /**
     * A daemon without policy file, admin group, audit file, mirror or notify socket, that stops at once on
     * SIGTERM.
     */
    public DaemonConfig(Path socket, int maxEntries, ServerLimits limits) {
        this(socket, maxEntries, limits, null, null, null, false, 0, null, LogLevel.INFO);
    }

    /** A daemon on {@code socket} with default limits. */
    public static DaemonConfig at(Path socket) {
        return new DaemonConfig(socket, 0, ServerLimits.defaults());
    }

    /** This configuration with a policy file, admin group and audit log (each may be null). */
    public DaemonConfig withSecurity(Path policy, String adminGroup, Path auditLog) {
        return new DaemonConfig(socket, maxEntries, limits, policy, adminGroup, auditLog, mirror, lameDuckMillis,
                notifySocket, logLevel, metrics);
    }

    /** This configuration with a hot standby or without, and a lame-duck period for SIGTERM. */
    public DaemonConfig withContinuity(boolean mirror, long lameDuckMillis) {
        return new DaemonConfig(socket, maxEntries, limits, policy, adminGroup, auditLog, mirror, lameDuckMillis,
                notifySocket, logLevel, metrics);
    }

    /** This configuration with a notify socket ({@code /path} or {@code @name}; null for none). */
    public DaemonConfig withNotifySocket(String notifySocket) {
        return new DaemonConfig(socket, maxEntries, limits, policy, adminGroup, auditLog, mirror, lameDuckMillis,
                notifySocket, logLevel, metrics);
    }

    /**
     * This configuration with {@code max} connections in all, {@code perUid} per uid (0: a quarter of {@code max})
     * and {@code notifyPerSecond} sd_notify datagrams per uid per second (see {@link ServerLimits}).
     *
     * @throws IllegalArgumentException if a number is out of range
     */
    public DaemonConfig withFairShare(int max, int perUid, int notifyPerSecond) {
        return new DaemonConfig(socket, maxEntries, limits.withFairShare(max, perUid, notifyPerSecond), policy,
                adminGroup, auditLog, mirror, lameDuckMillis, notifySocket, logLevel, metrics);
    }

    /** This configuration with the event loop polling {@code micros} after a busy turn (see {@link ServerLimits}). */
    public DaemonConfig withBusyPoll(int micros) {
        return new DaemonConfig(socket, maxEntries, limits.withBusyPollMicros(micros), policy, adminGroup, auditLog,
                mirror, lameDuckMillis, notifySocket, logLevel, metrics);
    }

    /** This configuration logging lines at {@code level} and above. */
    public DaemonConfig withLogLevel(LogLevel level) {
        return new DaemonConfig(socket, maxEntries, limits, policy, adminGroup, auditLog, mirror, lameDuckMillis,
                notifySocket, level, metrics);
    }

    /** This configuration serving metrics on {@code hostPort} ({@code HOST:PORT}; null for none). */
    public DaemonConfig withMetrics(String hostPort) {
        return new DaemonConfig(socket, maxEntries, limits, policy, adminGroup, auditLog, mirror, lameDuckMillis,
                notifySocket, logLevel, hostPort);
    }
}

package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.fdstore.daemon.Daemon;
import org.fdstore.daemon.DaemonConfig;
import org.fdstore.daemon.continuity.StandbyLauncher;
import org.fdstore.daemon.observe.LogLevel;
import org.fdstore.daemon.observe.MetricsEndpoint;
import org.fdstore.daemon.policy.PolicyException;
import org.fdstore.daemon.server.ServerLimits;
import org.fdstore.protocol.SocketPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

/**
 * {@code fdstore daemon [--policy FILE] [--admin-group GROUP] [--audit-log FILE] [--no-mirror] [--lame-duck D]
 * [--notify-socket PATH] [--busy-poll MICROSECONDS] [--max-connections N] [--max-connections-per-uid N]
 * [--notify-rate N] [--log-level LEVEL] [--metrics HOST:PORT]}: serves the store in the foreground, logging key=value lines to stderr, with a hot standby,
 * until SIGTERM; SIGHUP reloads the policy. {@code fdstore daemon --takeover} takes over from the daemon serving the
 * socket. With {@code --notify-socket} it also serves systemd's fd-store protocol (docs/systemd.md).
 */
@Command(name = "daemon", description = "Serve the store in the foreground until SIGTERM; logs go to stderr."
        + " SIGHUP reloads the policy file and reopens the audit log.")
public final class DaemonCommand implements Callable<Integer> {
    /** Beyond a millisecond, polling would cost more CPU than the wake-up it saves. */
    static final int MAX_BUSY_POLL_MICROS = 1000;

    @ParentCommand
    FdstoreCommand root;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Who may do what in which namespace, and the quotas (docs/security.md). Reloaded when it"
                    + " changes. Default: each uid has a private namespace uid.UID.")
    Path policy;

    @Option(names = "--admin-group", paramLabel = "GROUP",
            description = "Members of this group (name or gid) may do anything in every namespace, as root may.")
    String adminGroup;

    @Option(names = "--audit-log", paramLabel = "FILE",
            description = "Append the audit lines (save, restore, take, remove, drop, expire, refusals) to FILE"
                    + " instead of stderr.")
    Path auditLog;

    @Option(names = "--notify-socket", paramLabel = "PATH",
            description = "Also receive sd_notify datagrams on PATH (or @NAME, abstract): FDSTORE=1 stores the fds"
                    + " that come with them, as systemd's fd store does (docs/systemd.md).")
    String notifySocket;

    @Option(names = "--no-mirror",
            description = "Run without the hot standby process that holds a duplicate of every stored fd. Without it"
                    + " a kill -9 of the daemon loses every entry (docs/operations.md).")
    boolean noMirror;

    @Option(names = "--lame-duck", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "After SIGTERM, serve on this long (default 2s), so that a successor (daemon --takeover)"
                    + " can still take over, then tell clients to go away and stop.")
    Duration lameDuck = Duration.ofSeconds(2);

    @Option(names = "--busy-poll", paramLabel = "MICROSECONDS",
            description = "After a busy turn, poll this long for the next request before sleeping (default 50, at"
                    + " most 1000; 0: sleep at once). Finding the daemon awake spares a client's round trip a"
                    + " wake-up across CPUs; it costs CPU only while requests keep coming.")
    int busyPollMicros = ServerLimits.DEFAULT_BUSY_POLL_MICROS;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "debug: a line per request and per entry too; info (default): lifecycle events, drops and"
                    + " refusals; warning: only failures of the daemon itself. The audit file of --audit-log always"
                    + " has every operation.")
    String logLevel = LogLevel.INFO.label();

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "Serve GET /metrics in the Prometheus text format on this address, e.g. 127.0.0.1:9464"
                    + " (docs/operations.md). Whoever can reach it reads namespaces and uids: keep it on loopback"
                    + " or a trusted network. Standbys and successors serve it when they take over.")
    String metrics;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Clients connected at once (default 512); more are told EAGAIN and closed.")
    int maxConnections = ServerLimits.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--max-connections-per-uid", paramLabel = "N",
            description = "Clients of one uid connected at once (default: a quarter of --max-connections; root and"
                    + " the daemon's uid are not limited); more are told EUSERS and closed.")
    int maxConnectionsPerUid;

    @Option(names = "--notify-rate", paramLabel = "N",
            description = "sd_notify datagrams carried out per uid per second (default 200); the rest are dropped"
                    + " with their fds, and logged once a second.")
    int notifyRate = ServerLimits.DEFAULT_NOTIFY_PER_SECOND;

    @Option(names = "--takeover",
            description = "Take over from the daemon serving the socket: receive its entries, options, policy and"
                    + " listening socket, then serve in its place (what fdstore upgrade starts). The other options"
                    + " are ignored: the serving daemon's apply.")
    boolean takeover;

    @Option(names = "--standby", hidden = true, description = "Run as the serving daemon's hot standby.")
    boolean standby;

    @Override
    public Integer call() {
        Path socket = Path.of(SocketPath.resolve(root.socket));
        StandbyLauncher launcher = where -> SelfLauncher.start(ProcessBuilder.Redirect.INHERIT,
                "daemon", "--standby", "--socket", where.toString());
        if (busyPollMicros < 0 || busyPollMicros > MAX_BUSY_POLL_MICROS) {
            System.err.println("fdstore daemon: --busy-poll " + busyPollMicros + " is out of range: give 0 to "
                    + MAX_BUSY_POLL_MICROS + " microseconds");
            return ExitCodes.USAGE;
        }
        if (maxConnections < 1 || maxConnectionsPerUid < 0 || maxConnectionsPerUid > maxConnections
                || notifyRate < 1) {
            System.err.println("fdstore daemon: --max-connections " + maxConnections + ", --max-connections-per-uid "
                    + maxConnectionsPerUid + ", --notify-rate " + notifyRate + ": give at least 1 connection, at"
                    + " most that many per uid (0: a quarter), and at least 1 datagram per second");
            return ExitCodes.USAGE;
        }
        LogLevel level;
        try {
            level = LogLevel.parse(logLevel);
        } catch (IllegalArgumentException e) {
            System.err.println("fdstore daemon: --log-level: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (metrics != null) {
            try {
                MetricsEndpoint.parse(metrics);
            } catch (IllegalArgumentException e) {
                System.err.println("fdstore daemon: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        try {
            if (standby || takeover) {
                if (standby) {
                    // The serving daemon manages a standby's life (RETIRE on a clean stop); signals do not. Not
                    // SIG_IGN: the JVM would refuse the handlers the standby installs once it serves.
                    Signal.handle(new Signal("TERM"), signal -> { });
                    Signal.handle(new Signal("INT"), signal -> { });
                }
                Daemon.follow(socket, takeover, launcher, System.err);
                return ExitCodes.OK;
            }
            DaemonConfig config = DaemonConfig.at(socket).withSecurity(policy, adminGroup, auditLog)
                    .withContinuity(!noMirror, lameDuck.toMillis()).withNotifySocket(notifySocket)
                    .withBusyPoll(busyPollMicros).withFairShare(maxConnections, maxConnectionsPerUid, notifyRate)
                    .withLogLevel(level).withMetrics(metrics);
            new Daemon(config, System.err).withLauncher(launcher).serve();
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.SYSTEM_CALL_FAILED;
        } catch (PolicyException e) {
            System.err.println("fdstore daemon: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            System.err.println("fdstore daemon: " + e.getMessage());
            return ExitCodes.SYSTEM_CALL_FAILED;
        }
    }
}

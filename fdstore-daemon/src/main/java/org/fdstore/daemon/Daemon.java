package org.fdstore.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.OptionalInt;
import org.fdstore.daemon.lifetime.MonotonicClock;
import org.fdstore.daemon.observe.AuditLog;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.daemon.policy.Accounts;
import org.fdstore.daemon.policy.Policy;
import org.fdstore.daemon.policy.PolicyException;
import org.fdstore.daemon.policy.PolicyFile;
import org.fdstore.daemon.policy.Quota;
import org.fdstore.daemon.registry.Registry;
import org.fdstore.daemon.server.Server;
import org.fdstore.daemon.systemd.NotifyReceiver;
import org.fdstore.daemon.systemd.NotifySocket;
import org.fdstore.daemon.systemd.NotifyState;
import org.fdstore.daemon.systemd.SocketActivation;
import org.fdstore.linux.Resource;
import org.fdstore.linux.Unistd;
import sun.misc.Signal;

/**
 * The store daemon: binds its socket, serves until SIGTERM or SIGINT (or {@link #stop}), then closes every
 * connection and stored fd, removes its socket, and returns. SIGHUP reloads the policy file and reopens the audit
 * log.
 *
 * <p>{@link #serve()} runs on the calling thread; {@link #stop} may be called from any thread.
 */
public final class Daemon {
    /** Descriptors kept free of entries: the JVM's own, connections, and replies queued for slow clients. */
    static final int RESERVED_FDS = 2048;
    /** The most metadata all entries together hold by default; a quarter of the heap if that is less. */
    static final long MAX_METADATA_BYTES = 256L << 20;
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final DaemonConfig config;
    private final EventLog log;
    private volatile Server server;
    /** What notify senders said; null without a notify socket. Owned by the event loop. */
    private volatile NotifyState notifyState;

    /** A daemon that logs to {@code logStream}. */
    public Daemon(DaemonConfig config, PrintStream logStream) {
        this.config = config;
        this.log = new EventLog(logStream, Clock.systemUTC());
    }

    /**
     * Binds, serves until stopped, and cleans up.
     *
     * @throws PolicyException if the policy file or the admin group is unusable; nothing was bound then
     * @throws IOException if the socket cannot be bound, the audit log not opened, or RLIMIT_NOFILE is too low
     */
    public void serve() throws IOException, PolicyException {
        int capacity = capacity(config.maxEntries());
        int adminGroup = adminGroup(config.adminGroup());
        Quota.Defaults quotas = Quota.Defaults.forCapacity(capacity,
                Math.min(MAX_METADATA_BYTES, Runtime.getRuntime().maxMemory() / 4));
        PolicyFile policyFile = config.policy() == null ? null : new PolicyFile(config.policy(), adminGroup, quotas);
        Policy policy = policyFile == null ? Policy.builtIn(adminGroup, quotas) : policyFile.load();
        Clock clock = new MonotonicClock();
        Registry registry = new Registry(capacity);
        SocketActivation activation = activation();
        try (AuditLog audit = config.auditLog() == null ? new AuditLog(log, clock)
                : AuditLog.toFile(config.auditLog(), clock);
             ListeningSocket socket = activation.listener() != null ? ListeningSocket.inherited(activation.listener())
                     : ListeningSocket.bind(config.socket());
             NotifySocket notify = openNotifySocket(activation)) {
            Server s = new Server(socket.fd(), registry, log, audit, clock, config.limits(), policy, policyFile);
            if (notify != null) {
                NotifyState state = new NotifyState(notify.name());
                s.watchReadable(notify.fd(), new NotifyReceiver(notify.fd(), s.store(), log, state));
                notifyState = state;
            }
            server = s;
            // Handled here rather than by a shutdown hook, so that a clean stop exits 0 instead of 143.
            Signal.handle(new Signal("TERM"), signal -> requestStop("SIGTERM"));
            Signal.handle(new Signal("INT"), signal -> requestStop("SIGINT"));
            Signal.handle(new Signal("HUP"), signal -> s.requestReload());
            log.log("listening", "socket", socket.path(), "pid", Unistd.getpid(),
                    "activated", activation.any() ? String.join(",", activation.names()) : null,
                    "notify_socket", notify == null ? null : notify.name(), "capacity", capacity,
                    "max_connections", config.limits().maxConnections(), "policy", policy.source(),
                    "admin_gid", adminGroup < 0 ? null : Integer.toUnsignedString(adminGroup),
                    "audit_log", config.auditLog());
            try {
                s.run();
            } finally {
                int dropped = registry.closeAll();
                log.log("stopped", "socket", socket.path(), "entries_closed", dropped);
                notifyState = null;
            }
        }
    }

    /** The sockets passed by a service manager, if any; a notify socket passed unasked for is closed. */
    private SocketActivation activation() throws IOException {
        try {
            return SocketActivation.from(System.getenv(), Unistd.getpid());
        } catch (SocketActivation.ActivationException e) {
            throw new IOException("socket activation: " + e.getMessage(), e);
        }
    }

    /** The passed notify socket, else the one --notify-socket names, else null. */
    private NotifySocket openNotifySocket(SocketActivation activation) throws IOException {
        if (activation.notifySocket() != null) {
            return NotifySocket.inherited(activation.notifySocket(), "fd " + activation.notifySocket().number() + " (inherited)");
        }
        return config.notifySocket() == null ? null : NotifySocket.bind(config.notifySocket());
    }

    /**
     * What notify senders said, for STATUS; null without a notify socket. Its {@link NotifyState#pairs()} must be
     * read on the event loop's thread.
     */
    public NotifyState notifyState() {
        return notifyState;
    }

    private void requestStop(String why) {
        Thread.ofPlatform().name("fdstore-stop").start(() -> stop(why));
    }

    /** Stops a serving daemon and waits for it to finish; {@code why} goes to the log. Thread safe. */
    public void stop(String why) {
        Server s = server;
        if (s == null) return;
        log.log("stopping", "reason", why);
        try {
            s.stop(STOP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int adminGroup(String group) throws PolicyException {
        if (group == null || group.isEmpty()) return -1;
        OptionalInt gid = Accounts.gid(group);
        if (gid.isEmpty()) throw new PolicyException("--admin-group", 0, "no group \"" + group + "\" in /etc/group");
        return gid.getAsInt();
    }

    private static int capacity(int requested) throws IOException {
        long fromLimit = Resource.openFileLimit() - RESERVED_FDS;
        if (fromLimit < 16) {
            throw new IOException("RLIMIT_NOFILE " + Resource.openFileLimit() + " leaves no room for entries after "
                    + RESERVED_FDS + " reserved descriptors; raise it with ulimit -n");
        }
        int capacity = (int) Math.min(fromLimit, Integer.MAX_VALUE);
        return requested > 0 ? Math.min(requested, capacity) : capacity;
    }
}

package org.fdstore.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.fdstore.daemon.continuity.Continuity;
import org.fdstore.daemon.continuity.History;
import org.fdstore.daemon.continuity.Mirror;
import org.fdstore.daemon.continuity.ServingLock;
import org.fdstore.daemon.continuity.StandbyLauncher;
import org.fdstore.daemon.lifetime.MonotonicClock;
import org.fdstore.daemon.observe.AuditLog;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.daemon.policy.Accounts;
import org.fdstore.daemon.policy.Policy;
import org.fdstore.daemon.policy.PolicyException;
import org.fdstore.daemon.policy.PolicyFile;
import org.fdstore.daemon.policy.Quota;
import org.fdstore.daemon.registry.Registry;
import org.fdstore.protocol.Reply;
import org.fdstore.daemon.server.Server;
import org.fdstore.daemon.systemd.NotifyReceiver;
import org.fdstore.daemon.systemd.NotifySocket;
import org.fdstore.daemon.systemd.NotifyState;
import org.fdstore.daemon.systemd.SocketActivation;
import org.fdstore.linux.Downcalls;
import org.fdstore.linux.Errno;
import org.fdstore.linux.LinuxException;
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
    private StandbyLauncher launcher;
    /** What notify senders said; null without a notify socket. Owned by the event loop. */
    private volatile NotifyState notifyState;

    /** A daemon that logs to {@code logStream}. */
    public Daemon(DaemonConfig config, PrintStream logStream) {
        this.config = config;
        this.log = new EventLog(logStream, Clock.systemUTC());
    }

    /**
     * Takes the serving lock, binds, serves until stopped, and cleans up.
     *
     * @throws PolicyException if the policy file or the admin group is unusable; nothing was bound then
     * @throws IOException if another process serves the socket (EADDRINUSE, naming it), the socket cannot be bound,
     *     the audit log not opened, or RLIMIT_NOFILE is too low
     */
    public void serve() throws IOException, PolicyException {
        SocketActivation activation = activation();
        ServingLock lock = ServingLock.tryAcquire(config.socket());
        if (lock == null) {
            activation.close();
            int holder = ServingLock.holder(config.socket());
            throw new LinuxException("lock(\"" + ServingLock.pathFor(config.socket()) + "\")", Errno.EADDRINUSE,
                    (holder > 0 ? "pid " + holder : "another process") + " serves " + config.socket()
                            + "; stop it, upgrade it with fdstore upgrade, or choose another --socket");
        }
        ListeningSocket socket;
        try {
            socket = activation.listener() != null ? ListeningSocket.inherited(activation.listener())
                    : ListeningSocket.bind(config.socket());
        } catch (IOException | RuntimeException e) {
            lock.close();
            activation.close();
            throw e;
        }
        Prepared prepared;
        try {
            prepared = prepare(socket, new MonotonicClock(), History.startingNow(), null, false);
        } catch (IOException | PolicyException | RuntimeException e) {
            socket.close();
            lock.close();
            activation.close();
            throw e;
        }
        run(prepared, lock, null, activation);
    }

    /**
     * Attaches to the daemon serving {@code socket} as its hot standby ({@code successor} false) or as its upgrade
     * successor, and serves with its state and options once promoted, or once it died; returns when retired, or
     * when this process stops serving. The store it will serve is built as soon as the server's configuration has
     * come, and kept up to date while following, so that taking over does not grow with the number of entries.
     *
     * @throws IOException if no daemon serves there, or it refused the attach (another uid)
     * @throws PolicyException if the server's policy or configuration cannot be served here
     */
    public static void follow(Path socket, boolean successor, StandbyLauncher launcher, PrintStream logStream)
            throws IOException, PolicyException, InterruptedException {
        EventLog log = new EventLog(logStream, Clock.systemUTC());
        preload();
        Preparation preparation = new Preparation(logStream, launcher);
        Mirror.Takeover t = Mirror.follow(socket, successor, log, preparation);
        if (t == null) return;
        preparation.daemon.run(preparation.prepared, t.lock(), t, SocketActivation.NONE);
    }

    /** Builds, for a mirror, the daemon and the store it follows into; they serve once it takes over. */
    private static final class Preparation implements Mirror.StoreBuilder {
        private final PrintStream logStream;
        private final StandbyLauncher launcher;
        private Daemon daemon;
        private Prepared prepared;

        Preparation(PrintStream logStream, StandbyLauncher launcher) {
            this.logStream = logStream;
            this.launcher = launcher;
        }

        @Override
        public Mirror.Store build(Mirror.Following following) throws IOException, PolicyException {
            daemon = new Daemon(following.config(), logStream).withLauncher(launcher);
            ListeningSocket listening;
            try {
                listening = ListeningSocket.adopt(following.listener(), following.config().socket());
            } catch (IOException | RuntimeException e) {
                following.listener().close();
                throw e;
            }
            try {
                prepared = daemon.prepare(listening, following.clock(), following.history(),
                        following.policyLines(), true);
            } catch (IOException | PolicyException | RuntimeException e) {
                listening.release();   // The server's socket: it stays bound.
                throw e;
            }
            return new Mirror.Store(prepared.server(), prepared::discard);
        }
    }
    /**
     * Loads and initialises the classes a promoted mirror needs to serve, while it is only following: the failover
     * gap then does not include class loading. Classes that fail to load are left to fail where they are used.
     */
    private static void preload() {
        // The FFM classes link each C function on its first call, which costs milliseconds each in a cold JVM:
        // Downcalls.linkAll links theirs now.
        String[] names = {"daemon.server.Server", "daemon.server.Store", "daemon.server.RequestHandler",
            "daemon.server.Connection", "daemon.server.QueuedFrame", "daemon.registry.Registry",
            "daemon.registry.Entry", "daemon.lifetime.Lifetimes", "daemon.observe.AuditLog",
            "daemon.observe.Inspector", "daemon.policy.Policy", "daemon.policy.PolicyParser",
            "daemon.policy.PolicyFile", "daemon.policy.Quotas", "daemon.policy.PeerIdentity", "daemon.policy.Access",
            "daemon.continuity.Continuity", "daemon.ListeningSocket", "protocol.RequestCodec",
            "protocol.ReplyCodec", "protocol.DaemonStatus", "linux.Stat", "linux.Fcntl", "linux.Flock",
            "linux.Epoll", "linux.EventFd", "linux.Resource", "linux.Socket", "linux.Pidfd", "linux.Unistd",
            "linux.Proc", "linux.FdDescription"};
        ClassLoader loader = Daemon.class.getClassLoader();
        for (String name : names) {
            try {
                Class<?> c = Class.forName("org.fdstore." + name, true, loader);
                if (name.startsWith("linux.")) Downcalls.linkAll(c);
            } catch (ClassNotFoundException | LinkageError e) {
                // Loaded on first use instead.
            }
        }
    }

    /** This daemon, starting hot standbys with {@code launcher} when its configuration asks for a mirror. */
    public Daemon withLauncher(StandbyLauncher launcher) {
        this.launcher = launcher;
        return this;
    }

    /**
     * What a daemon serves with, made before it serves: at once by {@link #serve}, and by a mirror as soon as it has
     * its server's configuration, so that it follows into the store it will serve.
     */
    private record Prepared(ListeningSocket socket, int capacity, int adminGroup, Policy policy,
                            Registry registry, Continuity continuity, AuditLog audit, Server server) {
        /** For a mirror that will not serve: closes its copies of the entries; the socket stays bound. */
        void discard() {
            server.discard();
            audit.close();
            socket.release();
        }
    }

    /**
     * Reads the policy (the text the server sent, for a mirror: {@code policyLines}, null for the file or the
     * built-in one) and builds the registry, continuity and server for {@code socket}. Takes ownership of nothing
     * on failure.
     */
    private Prepared prepare(ListeningSocket socket, MonotonicClock clock, History history, List<String> policyLines,
                             boolean mirror) throws IOException, PolicyException {
        int capacity = capacity(config.maxEntries());
        int adminGroup = adminGroup(config.adminGroup());
        Quota.Defaults quotas = Quota.Defaults.forCapacity(capacity,
                Math.min(MAX_METADATA_BYTES, Runtime.getRuntime().maxMemory() / 4));
        PolicyFile policyFile = config.policy() == null ? null : new PolicyFile(config.policy(), adminGroup, quotas);
        Policy policy;
        if (policyFile == null) policy = Policy.builtIn(adminGroup, quotas);
        else if (mirror && policyLines != null) policy = policyFile.adopt(policyLines);
        else policy = policyFile.load();
        Registry registry = new Registry(capacity);
        Continuity continuity = new Continuity(config, log, socket.fd(), clock, capacity, launcher,
                () -> policyFile == null ? null : policyFile.lines(), history);
        AuditLog audit = config.auditLog() == null ? new AuditLog(log, clock) : AuditLog.toFile(config.auditLog(), clock);
        try {
            Server server = new Server(socket.fd(), registry, log, audit, clock, config.limits(), policy, policyFile,
                    continuity);
            return new Prepared(socket, capacity, adminGroup, policy, registry, continuity, audit, server);
        } catch (LinuxException | RuntimeException e) {
            audit.close();
            throw e;
        }
    }

    /** Serves what {@code p} holds until stopped, then hands over or closes it. {@code takeover}: how we came to serve, or null. */
    private void run(Prepared p, ServingLock lock, Mirror.Takeover takeover, SocketActivation activation)
            throws IOException {
        ListeningSocket socket = p.socket();
        Server s = p.server();
        Long pauseMillis = takeover == null ? null : (System.nanoTime() - takeover.pauseStartNanos()) / 1_000_000;
        if (takeover != null) {
            p.continuity().transitioned(takeover.transition(), pauseMillis);
            p.audit().reopen();   // Opened while following: the file may have been rotated since.
        }
        boolean handedOver = false;
        try (AuditLog audit = p.audit();
             NotifySocket notify = openNotifySocket(activation, takeover != null)) {
            if (notify != null) {
                NotifyState state = new NotifyState(notify.name());
                s.watchReadable(notify.fd(), new NotifyReceiver(notify.fd(), s.store(), log, state));
                s.addStatusSource(state::describe);
                notifyState = state;
            }
            server = s;
            // Handled here rather than by a shutdown hook, so that a clean stop exits 0 instead of 143.
            Signal.handle(new Signal("TERM"), signal -> requestStop("SIGTERM"));
            Signal.handle(new Signal("INT"), signal -> requestStop("SIGINT"));
            Signal.handle(new Signal("HUP"), signal -> s.requestReload());
            log.log(takeover == null ? "listening" : "serving", "socket", socket.path(), "pid", Unistd.getpid(),
                    "activated", activation.any() ? String.join(",", activation.names()) : null,
                    "notify_socket", notify == null ? null : notify.name(), "capacity", p.capacity(),
                    "max_connections", config.limits().maxConnections(), "policy", p.policy().source(),
                    "admin_gid", p.adminGroup() < 0 ? null : Integer.toUnsignedString(p.adminGroup()),
                    "audit_log", config.auditLog(), "mirror", config.mirror() && launcher != null,
                    "transition", takeover == null ? null : takeover.transition(),
                    "entries", takeover == null ? null : p.registry().size(), "pause_ms", pauseMillis);
            try {
                s.run();
            } finally {
                handedOver = s.drainReason() == Reply.GoAway.Reason.HANDOVER;
                if (handedOver) p.continuity().completeHandover(lock);
                else p.continuity().retireAll();
                int dropped = s.closeEntries();
                log.log("stopped", "socket", socket.path(), "entries_closed", dropped,
                        "handed_over", handedOver);
                notifyState = null;
            }
        } finally {
            if (handedOver) {
                socket.release();
            } else {
                socket.close();
                lock.closeAndRemove();
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

    /**
     * The passed notify socket, else the one --notify-socket names, else null. A successor taking over replaces its
     * predecessor's socket file (which is live until the predecessor stops): datagrams still queued in the old
     * socket are lost with it, as they would be with systemd's own restart.
     */
    private NotifySocket openNotifySocket(SocketActivation activation, boolean takingOver) throws IOException {
        if (activation.notifySocket() != null) {
            return NotifySocket.inherited(activation.notifySocket());
        }
        if (config.notifySocket() == null) return null;
        return takingOver ? NotifySocket.bindReplacing(config.notifySocket()) : NotifySocket.bind(config.notifySocket());
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

    /**
     * Stops a serving daemon and waits for it to finish; {@code why} goes to the log. It serves on for the
     * lame-duck period, so that a successor can still attach and take over; then it sends every client a GOAWAY
     * and stops. Thread safe.
     */
    public void stop(String why) {
        Server s = server;
        if (s == null) return;
        log.log("stopping", "reason", why, "lame_duck_ms", config.lameDuckMillis());
        s.requestShutdown(config.lameDuckMillis());
        try {
            if (!s.awaitStopped(config.lameDuckMillis() + STOP_TIMEOUT_MILLIS)) s.stop(STOP_TIMEOUT_MILLIS);
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
        long fromLimit = Resource.raiseOpenFileLimit() - RESERVED_FDS;   // Soft up to hard: each entry is an fd.
        if (fromLimit < 16) {
            throw new IOException("RLIMIT_NOFILE " + Resource.openFileLimit() + " leaves no room for entries after "
                    + RESERVED_FDS + " reserved descriptors; raise it with ulimit -n");
        }
        int capacity = (int) Math.min(fromLimit, Integer.MAX_VALUE);
        return requested > 0 ? Math.min(requested, capacity) : capacity;
    }
}

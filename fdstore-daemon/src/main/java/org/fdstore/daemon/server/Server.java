package org.fdstore.daemon.server;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fdstore.daemon.fastpath.FastPathIndex;
import org.fdstore.daemon.lifetime.Lifetimes;
import org.fdstore.daemon.lifetime.Watcher;
import org.fdstore.daemon.observe.AuditLog;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.daemon.observe.MetricFamily;
import org.fdstore.daemon.policy.PeerIdentity;
import org.fdstore.daemon.policy.Policy;
import org.fdstore.daemon.policy.PolicyException;
import org.fdstore.daemon.policy.PolicyFile;
import org.fdstore.daemon.policy.Quota;
import org.fdstore.daemon.registry.Registry;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.Errno;
import org.fdstore.linux.EventFd;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.ProtocolException;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.ReplyCodec;
import org.fdstore.protocol.RequestCodec;

/**
 * The daemon's event loop: one platform thread polls the listening socket and every connection (non-blocking,
 * level-triggered epoll) and owns the registry, so the hot path takes no lock.
 *
 * <p>A client whose socket is full gets its replies queued and is not read from until they drain, so a slow or
 * silent client holds only its own connection; one that stays blocked past {@link ServerLimits#slowClientMillis()} is
 * dropped. Malformed frames drop their connection; refused requests get an error reply.
 *
 * <p>The same loop runs the entries' lifetimes: its epoll set also holds the pidfds of owners and the stored fds
 * watched for hang-up, and its timeout is cut short by the next TTL or grace deadline. Its tick (at least once a
 * second) expires what is due, closes rate-limit windows of the audit log, and reloads the policy file when it
 * changed or SIGHUP asked for it.
 *
 * <p>{@link #run()} is called by one thread; {@link #stop()} by any.
 */
public final class Server {
    private static final long LISTENER = 0;
    private static final long WAKE = 1;
    private static final int READS_PER_TURN = 64;
    private static final int TICK_MILLIS = 1000;

    private final Fd listener;
    private final Store store;
    private final EventLog log;
    private final PolicyFile policyFile;
    private final Clock clock;
    private final ServerLimits limits;
    private final RequestHandler handler;
    private final EventFd wake;
    private final Map<Long, Connection> connections = new HashMap<>();
    /** Snapshots of the metrics other threads asked for; the loop completes them at its next turn. */
    private final java.util.Queue<CompletableFuture<List<MetricFamily>>> metricsWanted =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ConnectionShares shares;
    /** Other fds the loop polls for their owners (the systemd notify socket), by token. */
    private final Map<Long, Watched> watched = new HashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment in = arena.allocate(Limits.MAX_FRAME, 8);
    private final MemorySegment out = arena.allocate(Limits.MAX_FRAME, 8);
    private final ByteBuffer inView = in.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer outView = out.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    private final Sink sink = new Sink();
    private volatile boolean stopping;
    private volatile boolean reloadRequested;
    private long lastPolicyCheck;
    private long nextToken = 2;
    private boolean accepting = true;
    /** Told of every change; owns the daemon-to-daemon connections. */
    private final Replication replication;
    /** Replies that wait until the changes they acknowledge reach the mirrors, in the order they were made. */
    private final List<HeldReply> held = new ArrayList<>();
    /** Null while serving; else the GOAWAY reason being drained for. */
    private Reply.GoAway.Reason drainReason;
    private String drainMessage;
    private long drainDeadlineNanos;
    /** When a requested shutdown's lame-duck period ends ({@link System#nanoTime()}); meaningful if requested. */
    private volatile long shutdownAtNanos;
    private volatile boolean shutdownRequested;
    /** Duplicated fds held by replies that wait for slow clients, across all connections. */
    private int queuedFds;
    private final Epoll epoll;
    /** Set when {@link #run()} starts; before, the store can be filled (a mirror following) but nothing is served. */
    private boolean started;

    /**
     * A server for an already listening, non-blocking socket, under the built-in default policy, logging audit
     * lines with the others. The caller keeps ownership of {@code listener}.
     */
    public Server(Fd listener, Registry registry, EventLog log, Clock clock, ServerLimits limits)
            throws LinuxException {
        this(listener, registry, log, new AuditLog(log, clock), clock, limits,
                Policy.builtIn(-1, Quota.Defaults.forCapacity(registry.capacity(), 256L << 20)), null);
    }

    /**
     * A server for an already listening, non-blocking socket. The caller keeps ownership of {@code listener}.
     *
     * @param policy the policy in force at start
     * @param policyFile the file {@code policy} came from, watched for changes; null for the built-in policy
     */
    public Server(Fd listener, Registry registry, EventLog log, AuditLog audit, Clock clock, ServerLimits limits,
                  Policy policy, PolicyFile policyFile) throws LinuxException {
        this(listener, registry, log, audit, clock, limits, policy, policyFile, Replication.NONE);
    }

    /**
     * A server whose changes go to {@code replication} before they are acknowledged (see {@link Replication}).
     * The caller keeps ownership of {@code listener}.
     */
    public Server(Fd listener, Registry registry, EventLog log, AuditLog audit, Clock clock, ServerLimits limits,
                  Policy policy, PolicyFile policyFile, Replication replication) throws LinuxException {
        this.replication = replication;
        this.listener = listener;
        this.log = log;
        this.limits = limits;
        this.clock = clock;
        this.policyFile = policyFile;
        this.store = new Store(registry, policy, audit, clock, new EpollWatcher(),
                FastPathIndex.create(registry.capacity()));
        this.store.replication = replication;
        this.handler = new RequestHandler(store, log, Unistd.getpid(), this::metrics,
                java.util.Collections.unmodifiableCollection(connections.values()));
        this.shares = new ConnectionShares(limits.perUidConnectionLimit(), Unistd.geteuid());
        this.wake = EventFd.create();
        try {
            // Made now, not when the loop starts: the lifetimes of entries adopted before (a mirror following its
            // server) watch their fds in it.
            this.epoll = Epoll.create(256);
        } catch (LinuxException e) {
            wake.close();
            throw e;
        }
    }

    /**
     * Serves until {@link #stop()}; then closes every connection and the owners' pidfds. Stored entries stay in
     * the registry, published on the fast path, until {@link #closeEntries()}.
     */
    public void run() throws LinuxException {
        if (started) throw new IllegalStateException("run() called twice");
        started = true;
        try {
            epoll.add(listener, Epoll.EPOLLIN, LISTENER);
            epoll.add(wake.fd(), Epoll.EPOLLIN, WAKE);
            for (Map.Entry<Long, Watched> w : watched.entrySet()) epoll.add(w.getValue().fd(), Epoll.EPOLLIN, w.getKey());
            lastPolicyCheck = clock.millis();
            replication.start(this);
            int ready = 0;
            while (!stopping) {
                ready = ready > 0 ? busyPoll() : 0;
                if (ready == 0) ready = epoll.await(store.lifetimes.millisUntilNextDeadline(TICK_MILLIS));
                log.openBatch();
                store.audit.openBatch();
                try {
                    for (int i = 0; i < ready; i++) dispatch(epoll.token(i), epoll.events(i));
                    tick();
                } finally {
                    // The turn's lines are written before the replies held for the mirrors are released.
                    store.audit.closeBatch();
                    log.closeBatch();
                }
                releaseHeld();
                if (drainReason != null) finishDrainIfDone();
            }
        } finally {
            connections.values().forEach(c -> disconnect(c, "daemon stopping"));
            connections.clear();
            closeResources();
            metricsWanted.forEach(f -> f.cancel(false));
            finished.countDown();
        }
    }

    /**
     * Retires the fast-path index, then closes every stored fd; returns how many. Call once {@link #run()} has
     * returned: a successor can serve meanwhile (the retirement walks every slot, and a client copying from one
     * sees it change before the fd closes).
     */
    public int closeEntries() {
        store.fastPath.close();
        return store.registry.closeAll();
    }

    /**
     * Closes everything a server that never ran holds (a mirror retired before it served): the stored fds, the
     * owners' pidfds, the fast-path index, the loop's own fds.
     */
    public void discard() {
        if (started) throw new IllegalStateException("discard() of a server that ran");
        started = true;
        closeResources();
        closeEntries();
    }

    private void closeResources() {
        store.lifetimes.close();
        wake.close();
        epoll.close();
        arena.close();
    }

    /**
     * Polls the epoll set for up to {@link ServerLimits#busyPollMicros()} after a busy turn: the next request of a
     * client in a loop usually comes within it, and finding it awake costs neither side a wake-up across CPUs.
     * Yields between polls, so that a client the scheduler put on this CPU still runs. Returns how many events are
     * ready, 0 if none came.
     */
    private int busyPoll() throws LinuxException {
        if (limits.busyPollMicros() <= 0) return 0;
        long deadline = System.nanoTime() + limits.busyPollMicros() * 1000L;
        do {
            int ready = epoll.await(0);
            if (ready > 0) return ready;
            Thread.yield();
        } while (System.nanoTime() - deadline < 0);
        return 0;
    }

    /**
     * The store's metrics, taken by the loop at its next turn: for threads other than the loop's (the HTTP
     * endpoint). Thread safe.
     */
    public CompletableFuture<List<MetricFamily>> metricsSnapshot() {
        CompletableFuture<List<MetricFamily>> f = new CompletableFuture<>();
        metricsWanted.add(f);
        wakeUp();
        return f;
    }

    /** The store's metrics now; loop thread only. */
    List<MetricFamily> metrics() {
        return StoreMetrics.families(store, connections.values(), replication);
    }

    /** The counters, which the continuity layer carries to the process that serves next; loop thread only. */
    public org.fdstore.daemon.observe.Counters counters() {
        return store.counters;
    }

    /** Asks the loop to reload the policy file (and reopen the audit log) at its next turn. Thread safe. */
    public void requestReload() {
        reloadRequested = true;
        wakeUp();
    }

    /** Has the loop run a turn, and so its tick, now rather than at its next event or deadline. Thread safe. */
    public void wakeUp() {
        try {
            wake.signal();
        } catch (LinuxException ignored) {
            // The loop has stopped.
        }
    }

    /** Asks the loop to stop and waits up to {@code timeoutMillis} for it. Thread safe. */
    public boolean stop(long timeoutMillis) throws InterruptedException {
        stopping = true;
        wakeUp();
        return finished.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Has the loop poll {@code fd} too, calling {@code handler} on the loop's thread whenever it is readable: the
     * hook for front doors other than the store socket. Call before {@link #run()}. The caller keeps ownership of
     * {@code fd} and keeps it open until run returns.
     */
    public void watchReadable(Fd fd, ReadableHandler handler) {
        if (started) throw new IllegalStateException("watchReadable must be called before run()");
        watched.put(nextToken++, new Watched(fd, handler));
    }

    /**
     * Has every STATUS reply also carry what {@code source} adds (keys of its own, lower_snake_case, not those of
     * version 1). Call before {@link #run()}; the source runs on the loop's thread.
     */
    public void addStatusSource(java.util.function.Consumer<org.fdstore.protocol.DaemonStatus.Builder> source) {
        if (started) throw new IllegalStateException("addStatusSource must be called before run()");
        store.statusSources.add(source);
    }

    /** The store the loop serves, for the front doors registered with {@link #watchReadable}; loop thread only. */
    public Store store() {
        return store;
    }

    /** Waits up to {@code timeoutMillis} for the loop to end by itself; true if it has. */
    public boolean awaitStopped(long timeoutMillis) throws InterruptedException {
        return finished.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** How many clients are connected; for status. Approximate when read from another thread. */
    public int connectionCount() {
        return connections.size();
    }

    private void dispatch(long token, int events) throws LinuxException {
        if (Lifetimes.owns(token)) {
            store.lifetimes.handle(token, events);
        } else if (token >= Replication.TOKEN_BASE) {
            replication.handle(token, events);
        } else if (token == LISTENER) {
            acceptAll();
        } else if (token == WAKE) {
            wake.drain();
        } else if (watched.containsKey(token)) {
            watched.get(token).handler().readable(events);
        } else {
            Connection c = connections.get(token);
            if (c != null) serve(c, events);
        }
    }

    private void acceptAll() throws LinuxException {
        while (true) {
            Fd socket;
            try {
                socket = Socket.accept4(listener, Socket.SOCK_NONBLOCK);
            } catch (LinuxException e) {
                // Out of descriptors: stop accepting for a tick rather than spin on a listener that stays readable.
                log.warning("accept_failed", "result", e.errno().name(), "reason", e.getMessage());
                epoll.modify(listener, 0, LISTENER);
                accepting = false;
                return;
            }
            if (socket == null) return;
            PeerCredentials peer;
            try {
                peer = Socket.peerCredentials(socket);
            } catch (LinuxException e) {
                socket.close();
                continue;
            }
            if (connections.size() >= limits.maxConnections()) {
                refuse(socket, peer, Errno.EAGAIN, limits.maxConnections(), "the daemon serves its limit of "
                        + limits.maxConnections() + " connections (--max-connections); try again later");
                continue;
            }
            if (!shares.mayConnect(peer.uid())) {
                refuse(socket, peer, Errno.EUSERS, shares.limit(), "uid " + Integer.toUnsignedString(peer.uid())
                        + " holds its limit of " + shares.limit() + " connections (--max-connections-per-uid);"
                        + " close one of them first");
                continue;
            }
            PeerIdentity identity = PeerIdentity.read(peer, socket);
            Connection c = new Connection(nextToken++, socket, peer, identity);
            connections.put(c.token, c);
            shares.connected(peer.uid());
            epoll.add(socket, Epoll.EPOLLIN, c.token);
            log.debug("connect", "conn", c.token, "pid", peer.pid(), "uid", Integer.toUnsignedString(peer.uid()),
                    "gid", Integer.toUnsignedString(peer.gid()), "groups", identity.groups().length,
                    "cgroup", identity.cgroup().isEmpty() ? null : identity.cgroup(),
                    "verified", identity.verified());
        }
    }

    /**
     * Answers a connection over a limit with {@code errno} and closes it: nothing it sent is read, and the client's
     * HELLO fails with the message (see {@link #discardUnread}). Logged as a refusal, at most so often per uid.
     */
    private void refuse(Fd socket, PeerCredentials peer, Errno errno, int limit, String message) {
        store.audit.refusal(peer.uid(), "connect", "pid", peer.pid(), "uid", Integer.toUnsignedString(peer.uid()),
                "limit", limit, "connections", connections.size(), "result", errno.name(), "reason", message);
        discardUnread(socket);
        int length = ReplyCodec.encode(Limits.ERROR_REPLY_TYPE, 0, false, Reply.Failure.of(errno, message), 0,
                outView.clear());
        try {
            Socket.sendmsg(socket, out, length, List.of(), Socket.MSG_DONTWAIT);
        } catch (LinuxException ignored) {
            // The client is gone already: nobody to tell.
        }
        socket.close();
    }

    private void serve(Connection c, int events) {
        try {
            if (c.hasQueued() && (events & (Epoll.EPOLLOUT | Epoll.EPOLLERR | Epoll.EPOLLHUP)) != 0) {
                int before = c.queuedFds();
                boolean drained;
                try {
                    drained = c.flush(out, System.nanoTime());
                } catch (LinuxException e) {
                    if (e.errno() != Errno.EPIPE && e.errno() != Errno.ECONNRESET) throw e;
                    c.peerClosed();
                    drained = true;
                }
                queuedFds += c.queuedFds() - before;
                if (!drained) return;
                epoll.modify(c.socket, drainReason != null ? 0 : Epoll.EPOLLIN, c.token);
            }
            if (!c.hasQueued() && drainReason == null) readRequests(c);
        } catch (LinuxException e) {
            disconnect(c, e.getMessage());
        }
    }

    private void readRequests(Connection c) throws LinuxException {
        for (int i = 0; i < READS_PER_TURN && connections.containsKey(c.token); i++) {
            Received r;
            try {
                r = Socket.recvmsg(c.socket, in, Socket.MSG_DONTWAIT);
            } catch (LinuxException e) {
                if (e.errno() == Errno.ECONNRESET) {
                    // The peer closed with replies unread: the kernel reports that once, ahead of the requests it
                    // sent before closing, which are still to be carried out.
                    c.peerClosed();
                    continue;
                }
                if (e.errno() == Errno.EPROTO) sink.reject(c, Limits.ERROR_REPLY_TYPE, 0, Reply.Failure.of(Errno.EPROTO,
                        "frame with truncated control data (more than " + Limits.MAX_FDS_PER_FRAME + " fds?)"));
                else disconnect(c, e.getMessage());
                return;
            }
            if (r == null) return;
            if (r.endOfStream()) {
                disconnect(c, "hangup");
                return;
            }
            if (c.version == 0 && r.length() >= Limits.HEADER_SIZE
                    && Replication.isContinuityType(in.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 5) & 0xFF)) {
                handOff(c, r);
                return;
            }
            handleFrame(c, r);
            // A reply waits for room: the sink has the loop watch for it instead (awaitRoom).
            if (c.hasQueued()) return;
        }
    }

    private void handleFrame(Connection c, Received r) {
        if (r.truncated()) {
            Closer.closeAll(r.fds());
            sink.reject(c, Limits.ERROR_REPLY_TYPE, 0, Reply.Failure.of(Errno.EMSGSIZE,
                    "frame exceeds " + Limits.MAX_FRAME + " bytes"));
            return;
        }
        DecodedRequest frame;
        try {
            frame = RequestCodec.decode(inView.clear().limit((int) r.length()), r.fds().size());
        } catch (ProtocolException e) {
            Closer.closeAll(r.fds());
            sink.reject(c, e.replyType(), e.requestId(), Reply.Failure.of(e.errno(), e.getMessage()));
            return;
        }
        long startNanos = System.nanoTime();
        sink.firstErrno = -1;
        handler.handle(c, frame, r.fds(), sink);
        store.counters.request(frame.request().code(), Math.max(sink.firstErrno, 0), System.nanoTime() - startNanos);
    }

    /** A daemon-to-daemon connection: it leaves the loop's clients and goes to the continuity layer. */
    private void handOff(Connection c, Received r) throws LinuxException {
        connections.remove(c.token);
        shares.disconnected(c.peer.uid());
        epoll.remove(c.socket);
        log.log("continuity_connect", "conn", c.token, "pid", c.peer.pid(),
                "uid", Integer.toUnsignedString(c.peer.uid()));
        replication.attach(c.socket, c.peer, inView.clear().limit((int) r.length()), r.fds());
    }

    private void tick() throws LinuxException {
        replication.tick();
        for (CompletableFuture<List<MetricFamily>> f; (f = metricsWanted.poll()) != null; ) f.complete(metrics());
        if (shutdownRequested && drainReason == null && System.nanoTime() - shutdownAtNanos >= 0) {
            drain(Reply.GoAway.Reason.SHUTDOWN, "the store is shutting down");
        }
        store.lifetimes.expireDue();
        store.audit.tick();
        reloadPolicyIfDue();
        if (!accepting && !stopping && drainReason == null) {
            epoll.modify(listener, Epoll.EPOLLIN, LISTENER);
            accepting = true;
        }
        long now = System.nanoTime();
        List<Connection> slow = new ArrayList<>();
        for (Connection c : connections.values()) {
            if (c.blockedSinceNanos != 0 && now - c.blockedSinceNanos > limits.slowClientMillis() * 1_000_000L) {
                slow.add(c);
            }
        }
        slow.forEach(c -> disconnect(c, "client did not read its replies for " + limits.slowClientMillis() + " ms"));
    }

    /** Reloads the policy file if SIGHUP asked, or once a second if it changed. A broken file keeps the old policy. */
    private void reloadPolicyIfDue() {
        boolean requested = reloadRequested;
        long now = clock.millis();
        if (!requested && now - lastPolicyCheck < TICK_MILLIS) return;
        lastPolicyCheck = now;
        if (requested) {
            reloadRequested = false;
            store.audit.reopen();
        }
        if (policyFile == null) {
            if (requested) log.log("policy_reload", "source", store.policy().source(), "result", "unchanged");
            return;
        }
        if (!requested && !policyFile.changed()) return;
        try {
            Policy policy = policyFile.load();
            store.policy(policy);
            log.log("policy_loaded", "file", policyFile.path(), "rules", policy.ruleCount(),
                    "trigger", requested ? "SIGHUP" : "change", "result", "ok");
        } catch (PolicyException e) {
            log.warning("policy_error", "file", policyFile.path(), "line", e.line(), "reason", e.getMessage(),
                    "result", "kept_previous", "previous", store.policy().source());
        }
    }

    /** The registry, for the continuity layer; only the loop's thread touches it. */
    public Registry registry() {
        return store.registry;
    }

    /** The entries' lifetimes, for the continuity layer; only the loop's thread touches them. */
    public Lifetimes lifetimes() {
        return store.lifetimes;
    }

    /** The policy in force. */
    public Policy policy() {
        return store.policy();
    }

    /** The loop's epoll set, for the continuity layer's sockets (tokens from {@link Replication#TOKEN_BASE}). */
    public Watcher watcher() {
        return new EpollWatcher();
    }

    /**
     * Stores an entry that moved over from another daemon, under its old id and in its old lifetime state; takes
     * ownership of {@code fd} and {@code owner}. Called on the loop's thread ({@link Replication#start}).
     * {@code sharedName}: the entry's name may be shared (it came through the systemd notify socket).
     *
     * @throws org.fdstore.daemon.registry.Refusal if the id or name is taken; both fds are closed then
     */
    public org.fdstore.daemon.registry.Entry adopt(long id, Fd fd, org.fdstore.linux.FdDescription description,
            String namespace, String name, byte[] metadata,
            PeerCredentials saver, long savedAtMillis, org.fdstore.protocol.Lifetime lifetime, org.fdstore.linux.Pidfd owner,
            int boundPid, long ownerExitedAtMillis, boolean sharedName) throws org.fdstore.daemon.registry.Refusal {
        return store.adopt(id, fd, description, namespace, name, metadata, saver, savedAtMillis, lifetime, owner,
                boundPid, ownerExitedAtMillis, sharedName);
    }

    /**
     * Asks for a clean stop after {@code lameDuckMillis}: the loop serves (and accepts a successor) until then, then
     * drains with GOAWAY(shutdown). A handover started meanwhile wins. Thread safe.
     */
    public void requestShutdown(long lameDuckMillis) {
        shutdownAtNanos = System.nanoTime() + lameDuckMillis * 1_000_000L;
        shutdownRequested = true;
        wakeUp();
    }

    /**
     * Stops accepting and reading requests, lets the replies of every request already read reach their clients
     * (for at most the slow-client limit, capped at 2 s), then sends each client a GOAWAY with {@code reason} and
     * stops the loop. Every request read was answered; a request not read was not carried out, so a client may
     * resend it. Called on the loop's thread; a second call is ignored.
     */
    public void drain(Reply.GoAway.Reason reason, String message) {
        if (drainReason != null) return;
        drainReason = reason;
        drainMessage = message;
        drainDeadlineNanos = System.nanoTime() + Math.min(limits.slowClientMillis(), 2_000) * 1_000_000L;
        try {
            epoll.remove(listener);
        } catch (LinuxException ignored) {
            // Not in the set (accepting was paused): nothing to undo.
        }
        accepting = false;
        for (Connection c : connections.values()) {
            try {
                epoll.modify(c.socket, c.hasQueued() ? Epoll.EPOLLOUT : 0, c.token);
            } catch (LinuxException e) {
                // Its socket failed: it goes when the drain ends.
            }
        }
        log.log("draining", "reason", reason.name().toLowerCase(java.util.Locale.ROOT),
                "connections", connections.size());
    }

    /** Why the loop stopped or is stopping: a GOAWAY reason, or null if it was not drained. */
    public Reply.GoAway.Reason drainReason() {
        return drainReason;
    }

    private void finishDrainIfDone() {
        boolean waiting = false;
        for (Connection c : connections.values()) waiting |= c.hasQueued() && !c.peerGone;
        if (waiting && System.nanoTime() - drainDeadlineNanos < 0) return;
        replication.flush();
        releaseHeld();
        for (Connection c : List.copyOf(connections.values())) {
            goAway(c);
            disconnect(c, "goaway");
        }
        stopping = true;
    }

    /**
     * Sends {@code c} the GOAWAY. First nothing more may arrive (SHUT_RD: the client's later sends fail with EPIPE)
     * and the requests that did arrive unread are discarded, never carried out: closing a socket with unread data
     * would make the client's next read fail with ECONNRESET before it sees the GOAWAY, as after a crash.
     */
    private void goAway(Connection c) {
        discardUnread(c.socket);
        if (c.hasQueued() || c.peerGone) return;
        int length = ReplyCodec.encode(Limits.ERROR_REPLY_TYPE, 0, false, new Reply.GoAway(drainReason, drainMessage),
                0, outView.clear());
        try {
            Socket.sendmsg(c.socket, out, length, List.of(), Socket.MSG_DONTWAIT);
        } catch (LinuxException ignored) {
            // The client is gone or its socket is full: it sees the connection close instead.
        }
    }

    /**
     * Lets nothing more arrive on {@code socket} (SHUT_RD: the client's later sends fail with EPIPE) and discards
     * what arrived unread, closing its fds: closing a socket with unread data would make the client's next read fail
     * with ECONNRESET before it sees our last frame, as after a crash.
     */
    private void discardUnread(Fd socket) {
        try {
            Socket.shutdownRead(socket);
            for (Received r; (r = Socket.recvmsg(socket, in, Socket.MSG_DONTWAIT)) != null && !r.endOfStream(); ) {
                Closer.closeAll(r.fds());
            }
        } catch (LinuxException ignored) {
            // Truncated control data or a dead peer: nothing to discard that matters.
        }
    }

    /** Sends the replies held back for the changes that have now reached the mirrors. */
    private void releaseHeld() {
        if (replication.pending()) replication.flush();
        if (held.isEmpty()) return;
        List<HeldReply> ready = List.copyOf(held);
        held.clear();
        for (HeldReply h : ready) {
            try {
                if (!connections.containsKey(h.connection().token) || h.connection().peerGone) continue;
                MemorySegment.copy(h.bytes(), 0, out, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, h.bytes().length);
                sink.send(h.connection(), h.bytes().length, h.fds());
            } finally {
                Closer.closeAll(h.fds());
            }
        }
    }

    /** A reply encoded while changes waited for the mirrors, with its own duplicates of the fds it carries. */
    private record HeldReply(Connection connection, byte[] bytes, List<Fd> fds) {}

    /** Number of entries stored; for status and tests. Approximate when read from another thread. */
    public int entryCount() {
        return store.registry.size();
    }

    private void disconnect(Connection c, String reason) {
        boolean counted = connections.remove(c.token) != null;
        if (!counted && !stopping) return;
        if (counted) shares.disconnected(c.peer.uid());
        try {
            if (c.socket.isOpen()) epoll.remove(c.socket);
        } catch (LinuxException ignored) {
            // Already gone from the epoll set; closing the socket below is what matters.
        }
        queuedFds -= c.queuedFds();
        c.close();
        log.debug("disconnect", "conn", c.token, "pid", c.peer.pid(), "reason", reason);
    }

    /** A polled fd of {@link #watchReadable} and what handles it. */
    private record Watched(Fd fd, ReadableHandler handler) {}

    /** The lifetimes' view of the epoll set. */
    private final class EpollWatcher implements Watcher {
        @Override
        public void watch(Fd fd, int events, long token) throws LinuxException {
            epoll.add(fd, events, token);
        }

        @Override
        public void unwatch(Fd fd) {
            try {
                if (fd.isOpen()) epoll.remove(fd);
            } catch (LinuxException ignored) {
                // Not in the set (never added, or the set is gone): nothing to undo.
            }
        }
    }

    /** Encodes replies into the shared send buffer and sends or queues them. */
    private final class Sink implements ReplySink {
        /** The errno of the first reply to the frame being handled (0: success), or -1 before it. */
        int firstErrno = -1;

        @Override
        public void reply(Connection c, int replyType, long requestId, boolean continues, Reply reply, List<Fd> fds) {
            if (firstErrno < 0) firstErrno = reply instanceof Reply.Failure f ? f.errno() : 0;
            if (!connections.containsKey(c.token) || c.peerGone) return;
            int length = ReplyCodec.encode(replyType, requestId, continues, reply, fds.size(), outView.clear());
            if (replication.pending() || !held.isEmpty()) {
                hold(c, length, fds);
                return;
            }
            send(c, length, fds);
        }

        private void hold(Connection c, int length, List<Fd> fds) {
            List<Fd> copies = new ArrayList<>(fds.size());
            try {
                for (Fd fd : fds) copies.add(fd.duplicate());
            } catch (LinuxException e) {
                Closer.closeAll(copies);
                disconnect(c, "cannot hold a reply: " + e.getMessage());
                return;
            }
            held.add(new HeldReply(c, out.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), copies));
        }

        /** Sends the reply of {@code length} bytes in the send buffer now, or queues it behind earlier ones. */
        void send(Connection c, int length, List<Fd> fds) {
            try {
                int before = c.queuedFds();
                boolean waiting = c.hasQueued();
                if (!c.send(out, length, fds, System.nanoTime(), limits.maxQueuedFds() - queuedFds)) {
                    disconnect(c, "too many replies with fds wait for slow clients");
                    return;
                }
                queuedFds += c.queuedFds() - before;
                if (!waiting && c.hasQueued()) awaitRoom(c);
            } catch (LinuxException e) {
                if (e.errno() == Errno.EPIPE || e.errno() == Errno.ECONNRESET) c.peerClosed();
                else disconnect(c, e.getMessage());
            }
        }

        @Override
        public void stream(Connection c, RestoreStream stream) {
            if (!connections.containsKey(c.token) || c.peerGone) return;
            if (replication.pending() || !held.isEmpty()) {
                // Replies wait for the mirrors, in order: this one waits too, as held frames with their own fds.
                do {
                    hold(c, stream.makeFrame(out), stream.frameFds());
                } while (!stream.sent());
                return;
            }
            c.startStream(stream);
            try {
                if (!c.flush(out, System.nanoTime())) awaitRoom(c);
            } catch (LinuxException e) {
                if (e.errno() == Errno.EPIPE || e.errno() == Errno.ECONNRESET) c.peerClosed();
                else disconnect(c, e.getMessage());
            }
        }

        /**
         * Has the loop wait for room in the socket of {@code c}, whose replies have begun to queue, and read no more
         * of its requests until they are out. Wherever the reply was made: replies held for the mirrors are sent after
         * the loop has read its requests, and a client that waited for them would otherwise wait for good.
         */
        private void awaitRoom(Connection c) throws LinuxException {
            epoll.modify(c.socket, Epoll.EPOLLOUT, c.token);
        }

        @Override
        public void reject(Connection c, int replyType, long requestId, Reply.Failure failure) {
            log.warning("protocol_error", "conn", c.token, "pid", c.peer.pid(), "uid", c.peer.uid(),
                    "result", failure.errnoName().name(), "reason", failure.message());
            reply(c, replyType, requestId, false, failure, List.of());
            disconnect(c, "protocol error");
        }
    }
}

package org.fdstore.daemon.continuity;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fdstore.daemon.DaemonConfig;
import org.fdstore.daemon.lifetime.MonotonicClock;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.daemon.policy.PolicyException;
import org.fdstore.daemon.server.Server;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Pidfd;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.FrameHeader;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.ProtocolException;

/**
 * The mirror side of continuity: attaches to the serving daemon, holds a duplicate of every stored fd and follows
 * each change, until the server retires it (it then exits), promotes it (a handover), or dies (a failover: the
 * mirror reads every frame still queued in the stream, then takes the serving lock). The one that gets the lock
 * serves; another mirror that loses the race retires.
 *
 * <p>Not thread safe: one thread follows.
 */
public final class Mirror implements AutoCloseable {
    /** How long to wait for a dead server's process to be gone entirely (its lock released) after its stream ended. */
    private static final long EXIT_WAIT_MILLIS = 10_000;
    /** How long to wait for the serving lock once the server is gone or has promoted us. */
    private static final long LOCK_WAIT_MILLIS = 3_000;
    /**
     * Once it has read every queued frame, the mirror lets the next ones gather this long before it reads again:
     * a busy server then wakes it a few hundred times a second instead of once per change, and its sendmsg finds
     * no reader to wake. The frames wait safely in the socket meanwhile (they are what a failover reads first).
     */
    private static final long GATHER_MILLIS = 2;

    /**
     * What a mirror knows of its server once CONFIG has come: all it needs to build the store it follows into.
     *
     * @param policyLines the policy text in force at the server, or null for the built-in policy
     * @param listener the server's listening socket, the builder's from then on
     */
    public record Following(DaemonConfig config, List<String> policyLines, Fd listener, MonotonicClock clock,
                            History history) {}

    /**
     * The store a mirror follows into: the server that will serve it, and how to close it all (the listening socket
     * released, not unlinked) if this mirror never serves.
     */
    public record Store(Server server, Runnable discard) {}

    /** Builds the store a mirror follows into, from what its server told it. */
    @FunctionalInterface
    public interface StoreBuilder {
        /** Takes ownership of {@code following.listener()}, also when it fails. */
        Store build(Following following) throws IOException, PolicyException;
    }

    /**
     * How a mirror came to serve; the store it built is the caller's from then on.
     *
     * @param transition {@code handover} or {@code failover}
     * @param pauseStartNanos System.nanoTime() at which the old server stopped serving (handover) or its stream ended
     * @param counters the old server's counters as its last COUNTERS frame told them (empty if none came), which
     *     the new one continues from
     */
    public record Takeover(ServingLock lock, String transition, long pauseStartNanos, Map<String, Long> counters) {}

    private final EventLog log;
    private final String role;
    private final Fd socket;
    private final StoreBuilder builder;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(Limits.MAX_FRAME, 8);
    /** Built when CONFIG comes; null before, and once handed to the caller. */
    private Store store;
    private FollowedStore entries;
    private DaemonConfig config;
    /** The serving daemon's pid, and a pidfd of it; null if it had exited already when its CONFIG was read. */
    private int serverPid;
    private Pidfd server;
    /** The server's counters as its last COUNTERS frame told them. */
    private Map<String, Long> counters = Map.of();

    private Mirror(EventLog log, String role, Fd socket, StoreBuilder builder) {
        this.log = log;
        this.role = role;
        this.socket = socket;
        this.builder = builder;
    }

    /**
     * Attaches to the daemon serving {@code socketPath} and follows it.
     *
     * @param successor true for an upgrade successor (it asks for the handover once loaded), false for a standby
     * @param builder builds the store to follow into, once the server's configuration has come
     * @return how this process came to serve the store {@code builder} built; null if it was retired or another
     *     process serves (the store is closed then)
     * @throws IOException if no daemon serves there or it refused the attach
     * @throws PolicyException if the store cannot be built with the server's policy and configuration
     */
    public static Takeover follow(Path socketPath, boolean successor, EventLog log, StoreBuilder builder)
            throws IOException, PolicyException, InterruptedException {
        Fd socket = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0);
        try (Mirror m = new Mirror(log, successor ? "successor" : "standby", socket, builder)) {
            Socket.connect(socket, socketPath.toString());
            checkServer(socketPath, Socket.peerCredentials(socket));
            return m.run(socketPath, successor);
        }
    }

    /**
     * A mirror receives every stored fd and then serves them as its own: it follows only a server of its own uid or
     * root, as the server admits only mirrors of its own uid, so that a socket squatted by another user cannot feed
     * it a store.
     */
    private static void checkServer(Path socketPath, PeerCredentials server) throws LinuxException {
        int self = Unistd.geteuid();
        if (server.uid() == 0 || server.uid() == self) return;
        throw new LinuxException("attach(\"" + socketPath + "\")", Errno.EPERM, "the daemon there runs as uid "
                + Integer.toUnsignedString(server.uid()) + ", not as this process's uid " + Integer.toUnsignedString(self)
                + " or root; stop it, or choose another --socket");
    }

    private Takeover run(Path socketPath, boolean successor)
            throws IOException, PolicyException, InterruptedException {
        ByteBuffer b = Frames.begin(buffer.asByteBuffer());
        b.put((byte) (successor ? Frames.ROLE_SUCCESSOR : Frames.ROLE_STANDBY));
        Socket.sendmsg(socket, buffer, Frames.end(b, Frames.ATTACH, 0), List.of(), 0);
        boolean loaded = false;
        while (true) {
            Received r;
            try {
                r = receive();
            } catch (LinuxException e) {
                // A server that died with our frames unread: reported once, ahead of the frames it sent.
                if (e.errno() == Errno.ECONNRESET) continue;
                throw e;
            }
            if (r.endOfStream()) {
                if (config == null) {
                    throw new IOException("the daemon on " + socketPath + " closed the connection before it sent its"
                            + " configuration (not the same uid? see its log)");
                }
                return serverGone(socketPath, loaded);
            }
            ByteBuffer frame = buffer.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).limit((int) r.length());
            FrameHeader header;
            try {
                header = Frames.read(frame, r.fds().size());
            } catch (ProtocolException e) {
                r.closeFds();
                throw new IOException("malformed frame from the daemon: " + e.getMessage());
            }
            switch (header.type()) {
                case Frames.CONFIG -> config(frame, r.fds());
                case Frames.CHANGES -> {
                    if (entries == null) {
                        r.closeFds();
                        throw new IOException("CHANGES from the daemon before its CONFIG");
                    }
                    apply(frame, r.fds());
                }
                case Frames.SNAPSHOT_DONE -> {
                    if (entries == null) throw new IOException("SNAPSHOT_DONE from the daemon before its CONFIG");
                    int expected = frame.getInt();
                    loaded = true;
                    log.log("mirror_loaded", "role", role, "pid", Unistd.getpid(), "server_pid", serverPid,
                            "entries", entries.size(), "result", expected == entries.size() ? "ok" : "count_mismatch");
                    if (successor) {
                        ByteBuffer ready = Frames.begin(buffer.asByteBuffer());
                        Socket.sendmsg(socket, buffer, Frames.end(ready, Frames.READY, 0), List.of(), 0);
                    }
                }
                case Frames.COUNTERS -> counters = counters(frame);
                case Frames.RETIRE -> {
                    log.log("retired", "role", role, "pid", Unistd.getpid(), "entries_closed",
                            entries == null ? 0 : entries.size());
                    return null;
                }
                case Frames.PROMOTE -> {
                    long stoppedAt = frame.getLong();
                    ServingLock lock = ServingLock.acquire(socketPath, LOCK_WAIT_MILLIS);
                    if (lock == null) return lost(socketPath);
                    return takeover(lock, "handover", stoppedAt);
                }
                default -> {
                    r.closeFds();
                    throw new IOException("unexpected frame " + Frames.name(header.type()) + " from the daemon");
                }
            }
        }
    }

    /** The next frame: at once if one is queued, else after {@link #GATHER_MILLIS}, else whenever one comes. */
    private Received receive() throws LinuxException, InterruptedException {
        Received r = Socket.recvmsg(socket, buffer, Socket.MSG_DONTWAIT);
        if (r != null) return r;
        Thread.sleep(GATHER_MILLIS);
        r = Socket.recvmsg(socket, buffer, Socket.MSG_DONTWAIT);
        return r != null ? r : Socket.recvmsg(socket, buffer, 0);
    }

    /** The server's stream ended: it died (or dropped us). Serve if its lock can be had. */
    private Takeover serverGone(Path socketPath, boolean loaded) throws IOException, InterruptedException {
        long endedAt = System.nanoTime();
        log.log("server_gone", "role", role, "pid", Unistd.getpid(), "server_pid", serverPid);
        if (server != null && !exited(server, EXIT_WAIT_MILLIS)) {
            log.log("retired", "role", role, "pid", Unistd.getpid(), "reason", "the server dropped this mirror");
            return null;
        }
        if (!loaded) {
            log.log("retired", "role", role, "pid", Unistd.getpid(), "reason", "the server died before the snapshot completed");
            return null;
        }
        ServingLock lock = ServingLock.acquire(socketPath, LOCK_WAIT_MILLIS);
        if (lock == null) return lost(socketPath);
        return takeover(lock, "failover", endedAt);
    }

    /**
     * Whether the process exits within {@code millis}: its pidfd turns readable as soon as it has exited (a zombie
     * that its reaper has not collected yet has exited, and has released its lock).
     */
    private static boolean exited(Pidfd process, long millis) throws LinuxException {
        try (Epoll epoll = Epoll.create(1)) {
            epoll.add(process.fd(), Epoll.EPOLLIN, 0);
            return epoll.await((int) millis) > 0;
        }
    }

    private Takeover lost(Path socketPath) {
        log.log("retired", "role", role, "pid", Unistd.getpid(),
                "reason", "pid " + ServingLock.holder(socketPath) + " serves " + socketPath);
        return null;
    }

    private Takeover takeover(ServingLock lock, String transition, long pauseStartNanos) {
        store = null;   // The caller's now.
        return new Takeover(lock, transition, pauseStartNanos, counters);
    }

    private static Map<String, Long> counters(ByteBuffer frame) {
        Map<String, Long> m = new LinkedHashMap<>();
        int count = frame.getInt();
        for (int i = 0; i < count; i++) m.put(EntryRecord.getString(frame), frame.getLong());
        return m;
    }

    private void config(ByteBuffer frame, List<Fd> fds) throws IOException, PolicyException {
        if (fds.size() != 2 || store != null) {
            fds.forEach(Fd::close);
            throw new IOException("CONFIG with " + fds.size() + " fds, not 2" + (store != null ? ", or twice" : ""));
        }
        Fd listener = fds.get(0);
        try (Fd serverLog = fds.get(1)) {
            // Log where the server logs, whatever this process was started with.
            Unistd.dup2(serverLog, 1);
            Unistd.dup2(serverLog, 2);
        } catch (LinuxException | RuntimeException e) {
            listener.close();
            throw e;
        }
        List<String> policyLines;
        MonotonicClock clock;
        Map<String, String> pairs = new LinkedHashMap<>();
        try {
            int count = frame.getInt();
            for (int i = 0; i < count; i++) pairs.put(EntryRecord.getString(frame), EntryRecord.getString(frame));
            boolean hasPolicy = frame.get() == 1;
            byte[] text = new byte[frame.getInt()];
            frame.get(text);
            policyLines = hasPolicy ? List.of(new String(text, StandardCharsets.UTF_8).split("\n", -1)) : null;
            clock = new MonotonicClock(frame.getLong(), frame.getLong());
            // Not SO_PEERPIDFD: a connection's peer is whoever called listen(), the first daemon of the chain.
            serverPid = Integer.parseInt(pairs.getOrDefault("serving_pid", "0"));
            config = Settings.config(pairs);
        } catch (RuntimeException e) {
            listener.close();
            throw new IOException("malformed CONFIG from the daemon: " + e.getMessage());
        }
        try {
            server = Pidfd.open(serverPid);
        } catch (LinuxException e) {
            // Killed right after it sent our CONFIG and snapshot: those frames are in the socket all the same, and
            // its stream ends once they are read; then it has exited, which is all the pidfd would have told.
            if (e.errno() != Errno.ESRCH) {
                listener.close();
                throw e;
            }
        }
        store = builder.build(new Following(config, policyLines, listener, clock, History.from(pairs)));
        entries = new FollowedStore(store.server(), log);
        log.log("following", "role", role, "pid", Unistd.getpid(), "server_pid", serverPid,
                "socket", config.socket());
    }

    private void apply(ByteBuffer frame, List<Fd> fds) throws IOException {
        int next = 0;
        try {
            int count = frame.getInt();
            for (int i = 0; i < count; i++) {
                int op = frame.get();
                switch (op) {
                    case ChangeBatch.ADD -> {
                        EntryRecord record = EntryRecord.decode(frame);
                        Fd fd = fds.get(next++);
                        Pidfd owner = record.hasOwnerFd() ? Pidfd.adopt(fds.get(next++), record.boundPid()) : null;
                        entries.add(record, fd, owner);
                    }
                    case ChangeBatch.REMOVE -> entries.remove(frame.getLong());
                    case ChangeBatch.REBIND -> {
                        long id = frame.getLong();
                        int pid = frame.getInt();
                        entries.rebind(id, pid, Pidfd.adopt(fds.get(next++), pid));
                    }
                    default -> throw new IllegalArgumentException("change type " + op);
                }
            }
            if (next != fds.size()) throw new IllegalArgumentException(fds.size() + " fds for " + next + " uses");
        } catch (RuntimeException e) {
            for (int i = next; i < fds.size(); i++) fds.get(i).close();
            throw new IOException("malformed CHANGES frame from the daemon: " + e.getMessage());
        }
    }

    /** Closes the connection, and the store it followed into unless it was handed over to serve. */
    @Override
    public void close() {
        socket.close();
        if (server != null) server.close();
        if (store != null) store.discard().run();
        store = null;
        arena.close();
    }
}

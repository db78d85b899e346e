package org.fdstore.daemon.continuity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.fdstore.daemon.DaemonConfig;
import org.fdstore.daemon.lifetime.MonotonicClock;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.daemon.server.Replication;
import org.fdstore.daemon.server.Server;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.Fcntl;
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
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.Reply;

/**
 * The serving side of continuity: keeps every attached mirror (the hot standby, an upgrade successor) a copy of the
 * store. A mirror that attaches gets the configuration, the policy text, the listening socket and the log, then
 * every change, coalesced per turn of the event loop, before the change is acknowledged; and, in slices between the
 * turns, a snapshot in bulk of the entries stored before it attached. When a successor reports its snapshot loaded,
 * the server drains and hands over.
 *
 * <p>Sends to mirrors block, bounded by {@link #SEND_TIMEOUT_MILLIS}: a mirror that does not take a frame in time is
 * declared dead, killed and (the standby) replaced. No frame is ever queued in this process, so a stored fd can be
 * closed as soon as the frame naming it was sent.
 *
 * <p>Not thread safe: the event loop calls it, except {@link #status} (approximate from another thread).
 */
public final class Continuity implements Replication {
    /**
     * Entries of a snapshot sent per turn of the event loop: a few milliseconds of work, so that clients are served
     * between slices while a mirror of a large store attaches.
     */
    static final int SNAPSHOT_SLICE = 1024;
    /** How long a mirror may leave a frame untaken before it is declared dead. */
    static final long SEND_TIMEOUT_MILLIS = 2_000;
    /** Send buffer asked for each mirror socket: room for bursts without blocking the loop. */
    private static final int MIRROR_SNDBUF = 8 << 20;
    /** How often the counters go to the mirrors: what a failover may lose of them (docs/operations.md). */
    private static final long COUNTERS_INTERVAL_NANOS = 1_000_000_000L;
    /** Least time between two standby launches, so a standby that cannot start does not spin. */
    private static final long RESPAWN_NANOS = 1_000_000_000L;
    /**
     * How long a process that took over waits before it starts its new standby: the JVM starting beside it would
     * take a core from the first replies, which every waiting client needs, on a machine with two.
     */
    static final long TAKEOVER_LAUNCH_DELAY_MILLIS = 200;
    /** This process's log, fd 2, handed to mirrors; never closed. */
    private static final Fd LOG_FD = Fd.adopt(2);

    private final DaemonConfig config;
    private final EventLog log;
    private final Fd listener;
    private final MonotonicClock clock;
    private final StandbyLauncher launcher;
    private final PolicyText policyText;
    private final Map<Long, Link> links = new HashMap<>();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(Limits.MAX_FRAME, 8);
    private final ByteBuffer scratchView = scratch.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    private final ChangeBatch batch = new ChangeBatch(this::sendToAll);
    private final int capacity;
    private History history;
    private Server server;
    private long nextToken = TOKEN_BASE;
    private Process launched;
    /** A standby being started on a thread of its own, or null. */
    private CompletableFuture<Process> launching;
    /** How long the next launch waits first: {@link #TAKEOVER_LAUNCH_DELAY_MILLIS} after a takeover, else 0. */
    private long launchDelayMillis;
    private long nextLaunchNanos;
    private Link successor;
    /** When the counters next go to the mirrors ({@link System#nanoTime()}). */
    private long nextCountersNanos;
    private long drainStartNanos;

    /** The text of the policy in force, or null for the built-in one. */
    @FunctionalInterface
    public interface PolicyText {
        /** The lines; null for the built-in policy. */
        List<String> lines();
    }

    /** One attached mirror. */
    private static final class Link {
        final long token;
        final Fd socket;
        final int pid;
        final int role;
        final long attachedNanos = System.nanoTime();
        /** The entries of its snapshot not sent yet (those stored when it attached), or null once it is complete. */
        List<Entry> snapshot;
        int snapshotSent;

        Link(long token, Fd socket, int pid, int role) {
            this.token = token;
            this.socket = socket;
            this.pid = pid;
            this.role = role;
        }

        String roleName() {
            return role == Frames.ROLE_STANDBY ? "standby" : "successor";
        }
    }

    /**
     * Continuity for a daemon that serves {@code listener}.
     *
     * @param launcher starts hot standbys; null to run without (as {@code --no-mirror} does)
     * @param history when the store started and its last transition, as the server before this one told it
     */
    public Continuity(DaemonConfig config, EventLog log, Fd listener, MonotonicClock clock, int capacity,
                      StandbyLauncher launcher, PolicyText policyText, History history) {
        this.config = config;
        this.log = log;
        this.listener = listener;
        this.clock = clock;
        this.capacity = capacity;
        this.launcher = config.mirror() ? launcher : null;
        this.policyText = policyText;
        this.history = history;
    }

    /** This process took over by {@code transition} (handover or failover) after a pause of {@code pauseMillis}. */
    public void transitioned(String transition, long pauseMillis) {
        history = history.after(transition, pauseMillis);
        launchDelayMillis = TAKEOVER_LAUNCH_DELAY_MILLIS;
    }

    @Override
    public void start(Server server) {
        this.server = server;
        tick();
    }

    @Override
    public void added(Entry entry, Pidfd owner) {
        if (links.isEmpty()) return;
        try {
            EntryRecord record = EntryRecord.of(entry, server.lifetimes());
            batch.add(record, entry.fd(), owner == null ? null : owner.fd(), true);
        } catch (LinuxException e) {
            // Out of descriptors for the duplicate: the mirrors can no longer be kept exact.
            dropAll("cannot duplicate the owner pidfd of entry " + entry.id() + " for the mirrors: " + e.getMessage());
        }
    }

    @Override
    public void removed(Entry entry) {
        if (links.isEmpty()) return;
        try {
            batch.release(entry.fd());
        } catch (LinuxException e) {
            dropAll("cannot duplicate entry " + entry.id() + " for the mirrors: " + e.getMessage());
            return;
        }
        batch.remove(entry.id());
    }

    @Override
    public void rebound(Entry entry, Pidfd owner) {
        if (links.isEmpty()) return;
        try {
            batch.rebind(entry.id(), owner.pid(), owner.fd());
        } catch (LinuxException e) {
            dropAll("cannot duplicate an owner pidfd for the mirrors: " + e.getMessage());
        }
    }

    @Override
    public boolean pending() {
        return !batch.isEmpty();
    }

    @Override
    public void flush() {
        batch.flush();
    }

    @Override
    public void attach(Fd socket, PeerCredentials peer, ByteBuffer frame, List<Fd> fds) {
        fds.forEach(Fd::close);
        int role;
        try {
            FrameHeader header = Frames.read(frame, 0);
            if (header.type() != Frames.ATTACH || frame.remaining() != 1) {
                throw new ProtocolException(org.fdstore.linux.Errno.EPROTO, "expected ATTACH, got "
                        + Frames.name(header.type()) + " with " + frame.remaining() + " body bytes");
            }
            role = frame.get();
            if (role != Frames.ROLE_STANDBY && role != Frames.ROLE_SUCCESSOR) {
                throw new ProtocolException(org.fdstore.linux.Errno.EPROTO, "ATTACH with role " + role);
            }
        } catch (ProtocolException e) {
            log.log("mirror_refused", "pid", peer.pid(), "reason", e.getMessage());
            socket.close();
            return;
        }
        if (peer.uid() != Unistd.geteuid()) {
            // Only a peer that could take every fd with pidfd_getfd anyway may mirror the store.
            log.log("mirror_refused", "pid", peer.pid(), "uid", Integer.toUnsignedString(peer.uid()),
                    "reason", "a mirror must run as the daemon's effective uid " + Integer.toUnsignedString(Unistd.geteuid()));
            socket.close();
            return;
        }
        if (server.drainReason() != null) {
            log.log("mirror_refused", "pid", peer.pid(), "reason", "the daemon is stopping");
            socket.close();
            return;
        }
        Link link = new Link(nextToken++, socket, peer.pid(), role);
        batch.flush();   // Changes made so far reach the mirrors already attached; the snapshot holds them.
        try {
            prepare(socket);
            sendConfig(link);
            server.watcher().watch(socket, Epoll.EPOLLIN, link.token);
        } catch (LinuxException | RuntimeException e) {
            log.log("mirror_lost", "role", link.roleName(), "pid", link.pid, "reason", "attach failed: " + e.getMessage());
            socket.close();
            kill(link.pid);
            return;
        }
        // From now on it gets every change; the entries stored before go in slices, between turns of the loop.
        link.snapshot = server.registry().entries(e -> true);
        links.put(link.token, link);
        server.wakeUp();
    }

    @Override
    public void handle(long token, int events) {
        Link link = links.get(token);
        if (link == null) return;
        Received r;
        try {
            r = Socket.recvmsg(link.socket, scratch, Socket.MSG_DONTWAIT);
        } catch (LinuxException e) {
            drop(link, e.getMessage());
            return;
        }
        if (r == null) return;
        r.closeFds();
        if (r.endOfStream()) {
            drop(link, "exited");
            return;
        }
        int type = r.length() >= Limits.HEADER_SIZE ? scratch.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 5) : -1;
        if (type == Frames.READY && link.role == Frames.ROLE_SUCCESSOR && server.drainReason() == null) {
            successor = link;
            drainStartNanos = System.nanoTime();
            log.log("handover_start", "successor_pid", link.pid, "entries", server.registry().size());
            server.drain(Reply.GoAway.Reason.HANDOVER, "the store is handing over to pid " + link.pid + "; reconnect");
        } else {
            drop(link, "unexpected frame " + Frames.name(type));
        }
    }

    @Override
    public void tick() {
        sendSnapshotSlices();
        if (server != null && !links.isEmpty() && System.nanoTime() - nextCountersNanos >= 0) {
            nextCountersNanos = System.nanoTime() + COUNTERS_INTERVAL_NANOS;
            for (Link l : List.copyOf(links.values())) {
                if (!sendCounters(l)) drop(l, "did not take a frame within " + SEND_TIMEOUT_MILLIS + " ms");
            }
        }
        if (launching != null && !collectLaunch()) return;
        if (launcher == null || server == null || server.drainReason() != null) return;
        for (Link l : links.values()) if (l.role == Frames.ROLE_STANDBY) return;
        if (launched != null && launched.isAlive()) return;
        long now = System.nanoTime();
        if (now - nextLaunchNanos < 0) return;
        nextLaunchNanos = now + RESPAWN_NANOS;
        // Starting a process blocks its caller for tens of milliseconds (fork, exec, class loading the first time):
        // not the loop, which serves meanwhile. The loop logs the outcome at the turn after it.
        Server loop = server;
        long delay = launchDelayMillis;
        launchDelayMillis = 0;
        launching = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(delay);
                return launcher.start(config.socket());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted before launching the standby", e);
            } finally {
                loop.wakeUp();
            }
        }, task -> Thread.ofPlatform().daemon().name("fdstore-standby-launch").start(task));
    }

    /** Logs the launch started by {@link #tick} once it is done; false while it still runs. */
    private boolean collectLaunch() {
        if (!launching.isDone()) return false;
        try {
            launched = launching.join();
            log.log("standby_launched", "pid", launched.pid());
        } catch (CompletionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            log.warning("standby_launch_failed", "reason", cause.getMessage());
        }
        launching = null;
        return true;
    }

    /**
     * After a drain for handover: retires the standby, releases {@code lock} and promotes the successor, which
     * serves from then on. The listening socket stays in place.
     */
    public void completeHandover(ServingLock lock) {
        int entries = server.registry().size();
        retire(l -> l != successor);
        lock.close();
        boolean promoted = false;
        if (successor != null && links.containsKey(successor.token) && sendCounters(successor)) {
            ByteBuffer b = Frames.begin(scratchView);
            b.putLong(drainStartNanos);
            promoted = send(successor, Frames.end(b, Frames.PROMOTE, 0), List.of());
        }
        log.log("handover", "successor_pid", successor == null ? null : successor.pid, "entries", entries,
                "drain_ms", (System.nanoTime() - drainStartNanos) / 1_000_000, "result", promoted ? "ok" : "failed");
        closeLinks();
    }

    /** After a stop without successor: every mirror exits without serving. */
    public void retireAll() {
        retire(l -> true);
        closeLinks();
    }

    @Override
    public void describe(DaemonStatus.Builder status) {
        // A standby counts once it holds the whole store: before, it could not take over.
        for (Link l : links.values()) if (l.role == Frames.ROLE_STANDBY && l.snapshot == null) status.standbyPid(l.pid);
        history.describe(status);
    }

    @Override
    public long[] standbyState() {
        for (Link l : links.values()) {
            if (l.role != Frames.ROLE_STANDBY) continue;
            if (l.snapshot == null) return new long[] {1, 0};
            long left = l.snapshot.size() - l.snapshotSent;
            return new long[] {0, (left + SNAPSHOT_SLICE - 1) / SNAPSHOT_SLICE};
        }
        return new long[] {0, 0};
    }

    /** Sends the server's counters as they are now; false if the mirror did not take them. */
    private boolean sendCounters(Link link) {
        ByteBuffer b = Frames.begin(scratchView);
        int countAt = b.position();
        b.putInt(0);
        int count = 0;
        for (Map.Entry<String, Long> e : server.counters().export().entrySet()) {
            // A key is short ASCII; those that would not fit are left out rather than overflow the frame.
            if (b.remaining() < 2 + e.getKey().length() + 8) break;
            EntryRecord.putString(b, e.getKey());
            b.putLong(e.getValue());
            count++;
        }
        b.putInt(countAt, count);
        return send(link, Frames.end(b, Frames.COUNTERS, 0), List.of());
    }

    private void retire(java.util.function.Predicate<Link> which) {
        for (Link l : List.copyOf(links.values())) {
            if (!which.test(l)) continue;
            if (send(l, Frames.end(Frames.begin(scratchView), Frames.RETIRE, 0), List.of())) {
                log.log("mirror_retired", "role", l.roleName(), "pid", l.pid);
            }
        }
    }

    private void closeLinks() {
        for (Link l : links.values()) l.socket.close();
        links.clear();
        batch.close();
        arena.close();
    }

    private static void prepare(Fd socket) throws LinuxException {
        Fcntl.setFlags(socket, Fcntl.getFlags(socket) & ~Fcntl.O_NONBLOCK);
        Socket.setSendTimeout(socket, SEND_TIMEOUT_MILLIS);
        try {
            Socket.setIntOption(socket, Socket.SO_SNDBUFFORCE, MIRROR_SNDBUF);
        } catch (LinuxException e) {
            Socket.setIntOption(socket, Socket.SO_SNDBUF, MIRROR_SNDBUF);   // Without CAP_NET_ADMIN: up to wmem_max.
        }
    }

    private void sendConfig(Link link) throws LinuxException {
        Map<String, String> pairs = Settings.of(config);
        history.put(pairs);
        pairs.put("serving_pid", Integer.toString(Unistd.getpid()));
        List<String> lines = policyText.lines();
        ByteBuffer b = Frames.begin(scratchView);
        b.putInt(pairs.size());
        pairs.forEach((k, v) -> {
            EntryRecord.putString(b, k);
            EntryRecord.putString(b, v);
        });
        byte[] text = lines == null ? new byte[0] : String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        b.put((byte) (lines == null ? 0 : 1)).putInt(text.length).put(text);
        b.putLong(clock.baseMillis()).putLong(clock.baseNanos());
        int length = Frames.end(b, Frames.CONFIG, 2);
        if (!send(link, length, List.of(listener, LOG_FD))) throw new LinuxException("sendmsg(CONFIG)", org.fdstore.linux.Errno.EPIPE);
    }

    /**
     * Sends each attaching mirror the next {@link #SNAPSHOT_SLICE} entries of its snapshot, and SNAPSHOT_DONE after
     * the last; asks the loop for another turn while any remain. A slice holds each entry as it is now, and skips
     * those released since the attach: the mirror has had every change since then, in order, and ignores those of
     * entries it does not hold yet.
     */
    private void sendSnapshotSlices() {
        boolean more = false;
        // This turn's changes go first, so that a slice, and the count of SNAPSHOT_DONE, follow them in the stream.
        if (links.values().stream().anyMatch(l -> l.snapshot != null)) batch.flush();
        for (Link link : List.copyOf(links.values())) {
            if (link.snapshot == null) continue;
            try {
                sendSlice(link);
            } catch (LinuxException | RuntimeException e) {
                drop(link, "snapshot failed: " + e.getMessage());
                continue;
            }
            more |= link.snapshot != null;
        }
        if (more) server.wakeUp();
    }

    private void sendSlice(Link link) throws LinuxException {
        List<Entry> entries = link.snapshot;
        int end = Math.min(entries.size(), link.snapshotSent + SNAPSHOT_SLICE);
        boolean[] ok = {true};
        try (ChangeBatch slice = new ChangeBatch((frame, length, fds) -> {
            if (ok[0]) ok[0] = send(link, frame, length, fds);
        })) {
            for (int i = link.snapshotSent; i < end; i++) {
                Entry e = entries.get(i);
                if (server.registry().byId(e.id()) != e) continue;   // Released since: its REMOVE went already.
                Pidfd owner = server.lifetimes().owner(e);
                slice.add(EntryRecord.of(e, server.lifetimes()), e.fd(), owner == null ? null : owner.fd(), false);
            }
            slice.flush();
        }
        if (!ok[0]) throw new LinuxException("sendmsg(snapshot)", org.fdstore.linux.Errno.EPIPE);
        link.snapshotSent = end;
        if (end < entries.size()) return;
        link.snapshot = null;
        ByteBuffer b = Frames.begin(scratchView);
        int stored = server.registry().size();
        b.putInt(stored);
        if (!send(link, Frames.end(b, Frames.SNAPSHOT_DONE, 0), List.of())) {
            throw new LinuxException("sendmsg(SNAPSHOT_DONE)", org.fdstore.linux.Errno.EPIPE);
        }
        log.log("mirror_attached", "role", link.roleName(), "pid", link.pid, "entries", stored,
                "ms", (System.nanoTime() - link.attachedNanos) / 1_000_000);
    }

    private void sendToAll(MemorySegment frame, int length, List<Fd> fds) {
        for (Link l : List.copyOf(links.values())) {
            if (!send(l, frame, length, fds)) drop(l, "did not take a frame within " + SEND_TIMEOUT_MILLIS + " ms");
        }
    }

    private boolean send(Link link, int length, List<Fd> fds) {
        return send(link, scratch, length, fds);
    }

    /** A blocking send; false (and the caller drops the link) if it timed out or the mirror is gone. */
    private boolean send(Link link, MemorySegment frame, int length, List<Fd> fds) {
        try {
            return Socket.sendmsg(link.socket, frame, length, fds, 0) == length;
        } catch (LinuxException e) {
            return false;
        }
    }

    private void drop(Link link, String reason) {
        if (links.remove(link.token) == null) return;
        server.watcher().unwatch(link.socket);
        link.socket.close();
        kill(link.pid);
        if (link == successor) successor = null;
        log.log("mirror_lost", "role", link.roleName(), "pid", link.pid, "reason", reason);
        if (link.role == Frames.ROLE_STANDBY) nextLaunchNanos = System.nanoTime();
    }

    private void dropAll(String reason) {
        batch.discard();
        for (Link l : List.copyOf(links.values())) drop(l, reason);
    }

    private static void kill(int pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
}

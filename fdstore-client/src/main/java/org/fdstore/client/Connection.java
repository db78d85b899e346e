package org.fdstore.client;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.DecodedReply;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.MessageType;
import org.fdstore.protocol.ProtocolException;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.ReplyCodec;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.RequestCodec;
import org.fdstore.protocol.SocketPath;

/**
 * One SOCK_SEQPACKET connection to the daemon, kept across the daemon's handovers and failovers: sends request
 * frames, reads reply frames, matches them to the requests by order and id, and reconnects when the daemon goes.
 *
 * <p>Every sent request waits in {@link #pending}, in send order (the daemon answers in that order), until its reply
 * is read, by whichever call reads next: a blocking exchange reads until its own reply is in, every submit then
 * drains the replies that have already arrived, so they never pile up in the socket, and a send that finds the
 * socket full reads replies until there is room rather than wait in sendmsg, which could wait forever (see
 * {@link #sendFrame}).
 *
 * <p><b>Reconnecting.</b> When the daemon sends GOAWAY, or the connection ends without one (end of stream,
 * ECONNRESET, EPIPE), this reconnects to the same path, retrying connect while the socket is missing or refused for
 * up to {@link #DEFAULT_RECONNECT_WINDOW}, sends HELLO, and resends the requests that have no reply, in their order.
 * After a GOAWAY every one of them is resent: the daemon carried out none of them. After an end without GOAWAY (the
 * daemon died), only those {@link #SAFE_TO_REPEAT} are resent; a mutation that was sent fails with
 * {@link FdStoreException#outcomeUnknown()}. A request whose sendmsg failed was never sent and is always resent.
 * A submitted SAVE keeps a duplicate of its fd until answered, so that it can be resent.
 *
 * <p>A failure the daemon answers with an error reply leaves the connection usable. Anything else that breaks the
 * stream (a malformed or unexpected reply, an EPROTO, EMSGSIZE or EPROTONOSUPPORT reply, after which the daemon hangs
 * up, or no daemon within the reconnect window) closes it, and every later call fails with ENOTCONN.
 *
 * <p>Thread safe.
 */
final class Connection implements AutoCloseable {
    /** How long a reconnect retries connect(2) while no daemon listens. */
    static final Duration DEFAULT_RECONNECT_WINDOW = Duration.ofSeconds(10);
    /** Requests whose repetition has the effect of one: resent even when the daemon may have carried them out. */
    static final Set<MessageType> SAFE_TO_REPEAT = EnumSet.of(MessageType.HELLO, MessageType.RESTORE,
            MessageType.LIST, MessageType.INSPECT, MessageType.STATUS, MessageType.RESTORE_MANY,
            MessageType.FASTPATH, MessageType.METRICS, MessageType.PUBLISH_METRICS);
    /** Reconnects in a row with no reply in between after which the daemon is taken to be broken. */
    private static final int MAX_RECONNECTS_WITHOUT_REPLY = 5;
    private static final long MAX_BACKOFF_MILLIS = 50;
    /** The environment variable that sets {@link #busyPollNanos}, in microseconds; 0 turns polling off. */
    static final String BUSY_POLL_ENVIRONMENT = "FDSTORE_BUSY_POLL_US";
    /** The default of {@link #busyPollNanos}: a little more than the daemon takes to answer a request. */
    static final long DEFAULT_BUSY_POLL_MICROS = 50;

    /** A request in flight: sent, or about to be, and not yet fully answered. */
    private static final class Pending {
        final Request request;
        /** The SAVE's fd, kept for a resend; null for other requests. */
        final Fd payload;
        /**
         * The frames of a request that spans several (SAVE_MANY, RESTORE_MANY), the first being {@link #request};
         * null for a request of one frame. The daemon acts on it only once the last frame is in.
         */
        final List<? extends Request> parts;
        /** The fds of each of {@link #parts}, owned by the caller; null with {@link #parts}. */
        final List<List<Fd>> partFds;
        /** Whether {@link #payload} is a duplicate this connection closes once the request is settled. */
        final boolean ownsPayload;
        final CompletableFuture<List<ReplyFrame>> future = new CompletableFuture<>();
        final List<ReplyFrame> frames = new ArrayList<>(1);
        /** The id of its latest sending. */
        long requestId;
        /** Whether the frame reached the current socket: only then may the daemon have carried it out. */
        boolean sent;

        Pending(Request request, Fd payload, boolean ownsPayload) {
            this.request = request;
            this.payload = payload;
            this.ownsPayload = ownsPayload;
            this.parts = null;
            this.partFds = null;
        }

        Pending(List<? extends Request> parts, List<List<Fd>> partFds) {
            this.request = parts.getFirst();
            this.payload = null;
            this.ownsPayload = false;
            this.parts = parts;
            this.partFds = partFds;
        }

        MessageType type() {
            return request.type();
        }

        void discardFrames() {
            frames.forEach(ReplyFrame::closeFds);
            frames.clear();
        }

        void fail(FdStoreException e) {
            discardFrames();
            if (ownsPayload) payload.close();
            future.completeExceptionally(e);
        }

        void complete() {
            if (ownsPayload) payload.close();
            future.complete(List.copyOf(frames));
        }
    }

    private final String path;
    private final Duration reconnectWindow;
    /** Who may listen on {@link #path}: checked on every connect, the first and each reconnect. */
    private final TrustedUids trusted;
    /** Shared: any thread may run an exchange; the lock keeps one at a time on the buffers. */
    private final Arena arena;
    private final MemorySegment sendSegment;
    private final MemorySegment receiveSegment;
    private final ByteBuffer sendBuffer;
    private final ByteBuffer receiveBuffer;

    /** The only lock of this class; held by whoever sends or reads. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The current socket; replaced on reconnect under {@link #lock}, read without it by {@link #close()}. */
    private volatile Fd socket;
    /** Requests without their whole reply, in send order. Guarded by {@link #lock}. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private long nextRequestId = 1;
    /** The HELLO reply of the current socket, null until read. Guarded by {@link #lock}. */
    private Reply.Welcome welcome;
    /** Reconnects since the last reply; guarded by {@link #lock}. */
    private int reconnectsWithoutReply;
    /** Incremented by every reconnect; guarded by {@link #lock}. */
    private long generation;
    /** {@link #generation}, for readers without the lock. */
    private volatile long publishedGeneration;
    /** Set once, by {@link #close()} or a failure that breaks the stream; no exchange starts afterwards. */
    private volatile boolean closed;
    /** Whether the socket and arena are freed. Guarded by {@link #lock}. */
    private boolean released;
    /**
     * How long a blocking read polls the socket before it sleeps in recvmsg(2): a reply that comes meanwhile spares
     * this process the wake-up across CPUs (~40 µs here), the largest cost of a round trip. 0: it sleeps at once.
     */
    private final long busyPollNanos = busyPollMicros(System.getenv(BUSY_POLL_ENVIRONMENT)) * 1000;
    /**
     * Whether a thread of this process is polling: one at a time, so that many threads waiting for replies at once
     * (a pool of workers, each with its connection) burn at most one CPU and leave the rest to the daemon.
     */
    private static final AtomicBoolean POLLING = new AtomicBoolean();

    private Connection(String path, Fd socket, Duration reconnectWindow, TrustedUids trusted) {
        this.path = path;
        this.socket = socket;
        this.reconnectWindow = reconnectWindow;
        this.trusted = trusted;
        this.arena = Arena.ofShared();
        this.sendSegment = arena.allocate(Limits.MAX_FRAME, 8);
        this.receiveSegment = arena.allocate(Limits.MAX_FRAME, 8);
        this.sendBuffer = sendSegment.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.receiveBuffer = receiveSegment.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Connects to {@code path} (once: no daemon there fails at once), checks that the daemon runs as a uid of
     * {@code trusted}, and sends HELLO without waiting for it.
     *
     * @throws FdStoreException EPERM for a daemon of another uid, before anything was sent; connect(2)'s errno
     */
    static Connection open(String path, Duration reconnectWindow, TrustedUids trusted) throws FdStoreException {
        Fd socket;
        try {
            socket = connectOnce(path, trusted);
        } catch (LinuxException e) {
            throw new FdStoreException(e.errno(), connectFailure(path, e.errno()), e);
        }
        Connection connection = new Connection(path, socket, reconnectWindow, trusted);
        connection.lock.lock();
        try {
            connection.sendHello();
        } finally {
            connection.lock.unlock();
        }
        return connection;
    }

    /** The message for a failed connect(2), with a hint where the cause is likely a daemon that is not running. */
    static String connectFailure(String path, Errno errno) {
        String message = "cannot connect to " + path + ": " + errno.explain();
        if (errno != Errno.ENOENT && errno != Errno.ECONNREFUSED) return message;
        String start = "bin/fdstore daemon";
        if (!path.equals(SocketPath.resolve(null))) start += " --socket " + path;
        return message + "; is the daemon running? start it with: " + start;
    }

    String path() {
        return path;
    }

    /** The uids this connection's daemon may run as. */
    TrustedUids trusted() {
        return trusted;
    }

    /**
     * Sends {@code request} and returns without waiting: the future completes when its reply is read. Once this
     * returns, the kernel holds the frame and its fd, so the request is carried out even if this process dies. A
     * SAVE's {@code payload} is duplicated and kept until the reply, so the caller may close it at once.
     */
    CompletableFuture<List<ReplyFrame>> submit(Request request, Fd payload) throws FdStoreException {
        lock.lock();
        try {
            ensureOpen();
            Fd kept = payload == null ? null : duplicate(payload);
            Pending p = new Pending(request, kept, kept != null);
            transmit(p);
            drainArrived();
            return p.future;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every submitted request has its reply. */
    void awaitSubmitted() throws FdStoreException {
        lock.lock();
        try {
            ensureOpen();
            while (!pending.isEmpty()) readFrame(true);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends {@code request}, with {@code payload} attached if not null (the caller keeps it open during the call),
     * and reads every frame of its reply.
     *
     * @return the reply's frames, all successes; the caller owns their fds
     * @throws FdStoreException a refusal for an error reply, one whose {@link FdStoreException#outcomeUnknown()}
     *     holds when the daemon died with the request in flight; anything else closes the connection
     */
    List<ReplyFrame> exchange(Request request, Fd payload) throws FdStoreException {
        return exchange(new Pending(request, payload, false));
    }

    /**
     * Sends one request as several frames ({@code fds.get(i)} attached to frame i, the caller keeping them open during
     * the call) and reads every frame of its reply, as {@link #exchange} does.
     */
    List<ReplyFrame> exchangeMany(List<? extends Request> frames, List<List<Fd>> fds) throws FdStoreException {
        return exchange(new Pending(frames, fds));
    }

    private List<ReplyFrame> exchange(Pending p) throws FdStoreException {
        lock.lock();
        try {
            ensureOpen();
            transmit(p);
            while (!p.future.isDone()) readFrame(true);
            return p.future.join();
        } catch (CompletionException e) {
            throw (FdStoreException) e.getCause();
        } finally {
            lock.unlock();
        }
    }

    /** Incremented by every reconnect: state tied to one daemon process (the fast-path index) is stale once it moves. */
    long generation() {
        return publishedGeneration;
    }

    /** The daemon's HELLO reply, read now if no request has read it yet; a new one after a reconnect. */
    Reply.Welcome welcome() throws FdStoreException {
        lock.lock();
        try {
            while (welcome == null) {
                ensureOpen();
                readFrame(true);
            }
            return welcome;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the connection. A call blocked on the socket in another thread is woken and fails with ENOTCONN.
     * Harmless when repeated.
     */
    @Override
    public void close() {
        closed = true;
        // Every call on the socket is made under the lock: if it is free, no thread waits on the socket, and
        // shutdown(2), which would be the only call of its C signature on a short command's path, is not needed.
        if (!lock.tryLock()) {
            try {
                // Wakes a thread blocked in recvmsg or sendmsg, which holds the lock we need to free the buffers.
                Socket.shutdown(socket);
            } catch (LinuxException alreadyClosed) {
                // Released already, or the daemon is gone: nothing to wake.
            }
            lock.lock();
        }
        try {
            release();
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() throws FdStoreException {
        if (closed) throw closedException();
    }

    private FdStoreException closedException() {
        return new FdStoreException(Errno.ENOTCONN, "connection to " + path + " is closed");
    }

    private static Fd duplicate(Fd payload) throws FdStoreException {
        if (!payload.isOpen()) throw new FdStoreException(Errno.EBADF, "cannot save " + payload + ": it is closed");
        try {
            return payload.duplicate();
        } catch (LinuxException e) {
            throw new FdStoreException(e.errno(), "cannot keep a duplicate of " + payload + " until the daemon "
                    + "answers: " + e.getMessage(), e);
        }
    }

    private void sendHello() throws FdStoreException {
        Pending hello = new Pending(new Request.Hello(Limits.VERSION, Limits.VERSION, Limits.FEATURE_BARE_RESTORE,
                "fdstore-client pid " + ProcessHandle.current().pid()), null, false);
        pending.addFirst(hello);
        send(hello);
    }

    /** Queues {@code p} and sends it; if the daemon is gone, reconnects, which sends it on the new connection. */
    private void transmit(Pending p) throws FdStoreException {
        if (p.payload != null && !p.payload.isOpen()) {
            throw new FdStoreException(Errno.EBADF, "cannot save " + p.payload + ": it is closed");
        }
        pending.addLast(p);
        long before = generation;
        if (send(p)) return;
        // The daemon closed its end: read what it sent before (replies, perhaps a GOAWAY) up to the end of the
        // stream, which reconnects and resends p with the rest.
        while (generation == before) readFrame(true);
    }

    /**
     * Sends {@code p} under a new request id.
     *
     * @return false if the daemon has closed the connection (EPIPE, ECONNRESET): {@code p} is then not sent
     */
    private boolean send(Pending p) throws FdStoreException {
        if (p.parts != null) return sendParts(p);
        p.requestId = nextRequestId++;
        sendBuffer.clear();
        int length = RequestCodec.encode(p.requestId, p.request, sendBuffer);
        List<Fd> fds = p.payload == null ? List.of() : List.of(p.payload);
        Sending outcome;
        try {
            outcome = sendFrame(p, length, fds);
        } catch (LinuxException e) {
            if (p.payload != null && !p.payload.isOpen()) {
                // Nothing was sent: the stream is intact.
                pending.remove(p);
                throw new FdStoreException(Errno.EBADF, "cannot save " + p.payload + ": it is closed", e);
            }
            throw breakConnection(e.errno(), "cannot send to the daemon on " + path + ": " + e.getMessage(), e);
        }
        if (outcome == Sending.SENT) p.sent = true;
        return outcome != Sending.PEER_CLOSED;
    }

    /**
     * Sends the frames of a multi-frame request under one new request id, every one but the last with CONTINUES.
     * A closed fd among them is EBADF; if no frame went out yet the stream is intact, else the connection breaks (the
     * daemon waits for the rest, and drops the partial request, all or nothing, when the connection closes).
     *
     * @return false if the daemon has closed the connection: the request is then resent whole after the reconnect
     */
    private boolean sendParts(Pending p) throws FdStoreException {
        p.requestId = nextRequestId++;
        for (int i = 0; i < p.parts.size(); i++) {
            List<Fd> fds = p.partFds.get(i);
            for (Fd fd : fds) {
                if (fd.isOpen()) continue;
                String message = "cannot save " + fd + ": it is closed";
                if (i > 0) throw breakConnection(Errno.EBADF, message + " (request broke off after " + i + " of "
                        + p.parts.size() + " frames)", null);
                pending.remove(p);
                throw new FdStoreException(Errno.EBADF, message);
            }
            sendBuffer.clear();
            int length = RequestCodec.encode(p.requestId, p.parts.get(i), i < p.parts.size() - 1, sendBuffer);
            Sending outcome;
            try {
                outcome = sendFrame(p, length, fds);
            } catch (LinuxException e) {
                throw breakConnection(e.errno(), "cannot send to the daemon on " + path + ": " + e.getMessage(), e);
            }
            if (outcome != Sending.SENT) return outcome == Sending.RESENT;
        }
        p.sent = true;
        return true;
    }

    /** What became of a frame given to {@link #sendFrame}. */
    private enum Sending {
        SENT,
        /** EPIPE or ECONNRESET: the daemon has closed the connection; the frame was not sent. */
        PEER_CLOSED,
        /**
         * While it waited for room, a reply read showed the daemon gone, and the reconnect took the request over:
         * it is sent on the new connection, or waits for the next one. This sending is over.
         */
        RESENT
    }

    /**
     * Sends one frame of {@code p}, {@code length} bytes of the send buffer with {@code fds}. While requests sent
     * before {@code p} wait for their replies, a full socket is met by waiting for room or a reply, reading the
     * replies as they come, rather than by blocking in sendmsg: the daemon stops reading a connection whose replies wait for room in it, so a client blocked in
     * sendmsg with its replies unread would wait for the daemon as the daemon waits for it, until the daemon drops it
     * as a slow client, with the requests it had not read yet (a pipeline of thousands of requests gets there).
     *
     * @throws LinuxException a sendmsg failure other than EINTR, EAGAIN, EPIPE and ECONNRESET
     */
    private Sending sendFrame(Pending p, int length, List<Fd> fds) throws FdStoreException, LinuxException {
        long before = generation;
        while (true) {
            boolean repliesDue = pending.peekFirst() != p;
            try {
                if (Socket.sendmsg(socket, sendSegment, length, fds, repliesDue ? Socket.MSG_DONTWAIT : 0) >= 0) {
                    return Sending.SENT;
                }
            } catch (LinuxException e) {
                if (e.errno() == Errno.EINTR) continue;
                if (closed) throw closedException();
                if (e.errno() == Errno.EPIPE || e.errno() == Errno.ECONNRESET) return Sending.PEER_CLOSED;
                throw e;
            }
            // The socket is full: wait for room, or for a reply to read, which the daemon may be waiting to send
            // before it reads more. Not for a reply alone: a daemon that is merely slow to read sends none.
            if ((awaitRoomOrReply() & Epoll.EPOLLOUT) == 0) readFrame(true);
            if (generation != before) return Sending.RESENT;
        }
    }

    /** Waits until the socket has room or something to read; returns the epoll events that came. */
    private int awaitRoomOrReply() throws LinuxException {
        // Its own short-lived epoll set: this happens only when the socket is full, and the socket changes on
        // every reconnect.
        try (Epoll watch = Epoll.create(1)) {
            watch.add(socket, Epoll.EPOLLIN | Epoll.EPOLLOUT, 0);
            while (watch.await(-1) == 0) {
                // EINTR: wait again.
            }
            return watch.events(0);
        }
    }

    /** Reads, without blocking, the replies that have arrived for submitted requests. */
    private void drainArrived() throws FdStoreException {
        while (!pending.isEmpty() && readFrame(false)) {
            // Each frame settles the request at the head.
        }
    }

    /**
     * Reads one frame and applies it: a reply settles the request at the head of {@link #pending}; a GOAWAY or the
     * end of the connection reconnects. Error replies that end the connection are thrown as refusals, after closing
     * it.
     *
     * @return false only without {@code block}, when nothing has arrived
     */
    private boolean readFrame(boolean block) throws FdStoreException {
        Received received = receiveMessage(block ? 0 : Socket.MSG_DONTWAIT);
        if (received == null) return false;
        if (received.endOfStream()) {
            if (closed) throw closedException();
            reconnect(false);
            return true;
        }
        if (received.truncated()) {
            received.closeFds();
            throw breakConnection(Errno.EPROTO, "a reply from the daemon on " + path + " exceeds "
                    + Limits.MAX_FRAME + " bytes", null);
        }
        DecodedReply decoded;
        try {
            decoded = ReplyCodec.decode(receiveBuffer.clear().limit((int) received.length()), received.fds().size());
        } catch (ProtocolException e) {
            received.closeFds();
            throw breakConnection(Errno.EPROTO, "malformed reply from the daemon on " + path + ": "
                    + e.getMessage(), e);
        }
        if (decoded.reply() instanceof Reply.GoAway) {
            reconnect(true);
            return true;
        }
        ReplyFrame frame = new ReplyFrame(decoded.header(), decoded.reply(), received.fds());
        Pending head = pending.peekFirst();
        if (head == null) {
            frame.closeFds();
            throw breakConnection(Errno.EPROTO, "the daemon on " + path + " sent a reply to request "
                    + Long.toUnsignedString(decoded.header().requestId()) + ", which this client did not send",
                    null);
        }
        if (frame.reply() instanceof Reply.Failure f && (decoded.header().type() == Limits.ERROR_REPLY_TYPE
                || head.type() == MessageType.HELLO || endsConnection(f.errnoName()))) {
            // The daemon hangs up after these: later requests could only fail, so fail them now.
            FdStoreException refusal = FdStoreException.refusal(f.errno(), f.message());
            pending.removeFirst();
            head.fail(refusal);
            breakConnection(f.errnoName(), f.message(), null);
            throw refusal;
        }
        boolean sameRequest = decoded.header().requestId() == head.requestId;
        boolean sameType = frame.reply() instanceof Reply.Failure
                || decoded.header().type() == head.type().replyCode();
        if (!sameRequest || !sameType) throw unexpected(head, frame);
        settle(head, frame);
        return true;
    }

    /** Applies a frame to the request at the head of {@link #pending}. */
    private void settle(Pending head, ReplyFrame frame) throws FdStoreException {
        reconnectsWithoutReply = 0;
        if (head.type() == MessageType.HELLO) {
            if (!(frame.reply() instanceof Reply.Welcome w)) throw unexpected(head, frame);
            if (w.version() != Limits.VERSION) {
                throw breakConnection(Errno.EPROTO, "the daemon on " + path + " agreed to protocol version "
                        + w.version() + ", but this client offered only " + Limits.VERSION, null);
            }
            pending.removeFirst();
            welcome = w;
            head.complete();
            return;
        }
        if (frame.reply() instanceof Reply.Failure f) {
            pending.removeFirst();
            head.fail(FdStoreException.refusal(f.errno(), f.message()));
            return;
        }
        head.frames.add(frame);
        if (!frame.header().continues()) {
            pending.removeFirst();
            head.complete();
        }
    }

    /**
     * The daemon closed this connection: after a GOAWAY ({@code goAway}), or by dying. Fails the requests that may
     * have been carried out and may not be repeated, connects again, sends HELLO and resends the others in order.
     */
    private void reconnect(boolean goAway) throws FdStoreException {
        if (++reconnectsWithoutReply > MAX_RECONNECTS_WITHOUT_REPLY) {
            throw breakConnection(Errno.ECONNRESET, "the daemon on " + path + " closed the connection "
                    + MAX_RECONNECTS_WITHOUT_REPLY + " times in a row without answering", null);
        }
        List<Pending> resend = new ArrayList<>();
        for (Pending p : pending) {
            if (p.type() == MessageType.HELLO) {
                p.discardFrames();
            } else if (goAway || !p.sent || SAFE_TO_REPEAT.contains(p.type())) {
                p.discardFrames();
                resend.add(p);
            } else {
                p.fail(FdStoreException.outcomeUnknown("the daemon on " + path + " died before answering "
                        + p.type() + " request " + Long.toUnsignedString(p.requestId) + ", which may or may not "
                        + "have been carried out; check with list"));
            }
        }
        pending.clear();
        socket.close();
        socket = connectAgain(goAway);
        // close() sets closed, then shuts the socket it reads: one of us sees the other's write.
        if (closed) throw closedException();
        generation++;
        publishedGeneration = generation;
        welcome = null;
        sendHello();
        for (Pending p : resend) {
            p.sent = false;
            pending.addLast(p);
        }
        long current = generation;
        for (Pending p : resend) {
            // If the new daemon is gone too, the rest stay unsent; the next read meets the end and comes back here.
            // If it went while a send waited for room, the reconnect that read it has resent them all already.
            if (!send(p) || generation != current) return;
        }
    }

    /** Connects to {@link #path} again, retrying while nothing listens there, for {@link #reconnectWindow}. */
    private Fd connectAgain(boolean goAway) throws FdStoreException {
        long deadline = System.nanoTime() + reconnectWindow.toNanos();
        long backoff = 1;
        while (true) {
            if (closed) throw closedException();
            try {
                return connectOnce(path, trusted);
            } catch (FdStoreException untrusted) {
                // A successor of another uid took the path: the requests in flight go nowhere else.
                throw breakConnection(untrusted.errno(), untrusted.getMessage(), untrusted);
            } catch (LinuxException e) {
                boolean retry = e.errno() == Errno.ENOENT || e.errno() == Errno.ECONNREFUSED
                        || e.errno() == Errno.EAGAIN || e.errno() == Errno.EINTR;
                if (!retry || System.nanoTime() > deadline) {
                    throw breakConnection(retry ? Errno.ECONNRESET : e.errno(), "the daemon on " + path
                            + (goAway ? " went away" : " closed the connection") + ", and no daemon answered there"
                            + " within " + reconnectWindow.toMillis() + " ms: " + e.errno().explain(), e);
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw breakConnection(Errno.EINTR, "interrupted while reconnecting to " + path, e);
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    /**
     * A socket connected to {@code path} whose listener runs as a trusted uid (SO_PEERCRED: the kernel's record of
     * the process that called listen(2), which a squatter cannot forge); nothing has been sent on it yet.
     *
     * @throws FdStoreException EPERM if the listener's uid is not trusted; the socket is closed
     */
    private static Fd connectOnce(String path, TrustedUids trusted) throws LinuxException, FdStoreException {
        Fd socket = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0);
        try {
            Socket.connect(socket, path);
            trusted.check(path, Socket.peerCredentials(socket));
            return socket;
        } catch (LinuxException | FdStoreException e) {
            socket.close();
            throw e;
        }
    }

    /** One message from the socket; null without {@code flags} blocking when none has arrived. */
    /** {@code $FDSTORE_BUSY_POLL_US}: a number of microseconds, else the default. */
    static long busyPollMicros(String environment) {
        if (environment == null) return DEFAULT_BUSY_POLL_MICROS;
        try {
            return Math.max(0, Long.parseLong(environment.strip()));
        } catch (NumberFormatException e) {
            return DEFAULT_BUSY_POLL_MICROS;
        }
    }

    private Received receiveMessage(int flags) throws FdStoreException {
        if (flags == 0 && busyPollNanos > 0 && POLLING.compareAndSet(false, true)) {
            try {
                long deadline = System.nanoTime() + busyPollNanos;
                do {
                    Received r = receiveMessage(Socket.MSG_DONTWAIT);
                    if (r != null) return r;
                    // Lets the daemon run here if the scheduler put it on this CPU.
                    Thread.yield();
                } while (System.nanoTime() - deadline < 0);
            } finally {
                POLLING.set(false);
            }
        }
        while (true) {
            try {
                return Socket.recvmsg(socket, receiveSegment, flags);
            } catch (LinuxException e) {
                if (e.errno() == Errno.EINTR) continue;
                if (closed) throw closedException();
                // The daemon closed with our requests unread: the kernel reports that once, ahead of the replies
                // (and the GOAWAY) it sent before closing, which are still to be read; the end follows them.
                if (e.errno() == Errno.ECONNRESET) continue;
                throw breakConnection(e.errno(), "cannot receive from the daemon on " + path + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private FdStoreException unexpected(Pending expected, ReplyFrame frame) {
        frame.closeFds();
        int type = frame.header().type();
        String got = MessageType.ofCode(type & 0x7F).map(t -> t + " reply").orElse(String.format("type 0x%02x", type));
        return breakConnection(Errno.EPROTO, "the daemon on " + path + " answered " + expected.type()
                + " request " + Long.toUnsignedString(expected.requestId) + " with a " + got + " to request "
                + Long.toUnsignedString(frame.header().requestId()), null);
    }

    private static boolean endsConnection(Errno errno) {
        return errno == Errno.EPROTO || errno == Errno.EMSGSIZE || errno == Errno.EPROTONOSUPPORT;
    }

    /** Closes the connection for good; the caller holds the lock. Returns the exception to throw. */
    private FdStoreException breakConnection(Errno errno, String message, Throwable cause) {
        closed = true;
        release();
        return new FdStoreException(errno, message, cause);
    }

    private void release() {
        if (released) return;
        released = true;
        for (Pending p : pending) p.fail(closedException());
        pending.clear();
        socket.close();
        arena.close();
    }
}

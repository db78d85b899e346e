package org.fdstore.client;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Unistd;
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
 * One SOCK_SEQPACKET connection to the daemon: sends request frames, reads reply frames and matches them to the
 * requests by id.
 *
 * <p>Requests in flight are kept in {@link #pending} in send order, because the daemon answers in that order. A
 * blocking exchange holds {@link #lock} from send to the last frame of its reply. A {@link #submit submitted}
 * request returns once sent; its reply is settled by whichever call reads next: a later exchange reads past it, and
 * every submit first drains the replies that have already arrived, so they never pile up in the socket.
 *
 * <p>A failure the daemon answers with an error reply leaves the connection usable. Anything that breaks the
 * stream (a malformed or unexpected reply, a lost connection, or an EPROTO, EMSGSIZE or EPROTONOSUPPORT reply,
 * after which the daemon hangs up) closes it, and every later call fails with ENOTCONN.
 *
 * <p>Thread safe.
 */
final class Connection implements AutoCloseable {
    /** A sent request; {@code future} is null when a blocking exchange waits for it in person. */
    private record Pending(long requestId, MessageType type, CompletableFuture<List<ReplyFrame>> future,
                           List<ReplyFrame> frames) {
        Pending(long requestId, MessageType type, CompletableFuture<List<ReplyFrame>> future) {
            this(requestId, type, future, new ArrayList<>(1));
        }
    }

    private final String path;
    private final Fd socket;
    /** Shared: any thread may run an exchange; the lock keeps one at a time on the buffers. */
    private final Arena arena;
    private final MemorySegment sendSegment;
    private final MemorySegment receiveSegment;
    private final ByteBuffer sendBuffer;
    private final ByteBuffer receiveBuffer;

    /** The only lock of this class; held from sending a request to reading the last frame of its reply. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Sent requests whose reply is not fully read, in send order. Guarded by {@link #lock}. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private long nextRequestId = 1;
    /** The HELLO reply, null until read. Guarded by {@link #lock}. */
    private Reply.Welcome welcome;
    /** Set once, by {@link #close()} or a failure that breaks the stream; no exchange starts afterwards. */
    private volatile boolean closed;
    /** Whether the socket and arena are freed. Guarded by {@link #lock}. */
    private boolean released;

    private Connection(String path, Fd socket) {
        this.path = path;
        this.socket = socket;
        this.arena = Arena.ofShared();
        this.sendSegment = arena.allocate(Limits.MAX_FRAME, 8);
        this.receiveSegment = arena.allocate(Limits.MAX_FRAME, 8);
        this.sendBuffer = sendSegment.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.receiveBuffer = receiveSegment.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Connects to {@code path} and sends HELLO without waiting for its reply. */
    static Connection open(String path) throws FdStoreException {
        Fd socket;
        try {
            socket = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0);
        } catch (LinuxException e) {
            throw new FdStoreException(e.errno(), "cannot connect to " + path + ": " + e.getMessage(), e);
        }
        try {
            Socket.connect(socket, path);
        } catch (LinuxException e) {
            socket.close();
            throw new FdStoreException(e.errno(), connectFailure(path, e.errno()), e);
        }
        Connection connection = new Connection(path, socket);
        connection.lock.lock();
        try {
            connection.send(new Request.Hello(Limits.VERSION, Limits.VERSION, 0,
                    "fdstore-client pid " + Unistd.getpid()), null, null);
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

    /**
     * Sends {@code request} and returns without waiting: the future completes when its reply is read. Once this
     * returns, the kernel holds the frame and its fd, so the request is carried out even if this process dies.
     */
    CompletableFuture<List<ReplyFrame>> submit(Request request, Fd payload) throws FdStoreException {
        lock.lock();
        try {
            ensureOpen();
            CompletableFuture<List<ReplyFrame>> future = new CompletableFuture<>();
            send(request, payload, future);
            drainArrived();
            return future;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every submitted request has its reply. */
    void awaitSubmitted() throws FdStoreException {
        lock.lock();
        try {
            ensureOpen();
            while (!pending.isEmpty()) settle(pending.peekFirst(), receiveFrame(pending.peekFirst(), true));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends one request as several frames ({@code fds.get(i)} attached to frame i) and reads every frame of its
     * reply, as {@link #exchange} does.
     */
    List<ReplyFrame> exchangeMany(List<? extends Request> frames, List<List<Fd>> fds) throws FdStoreException {
        lock.lock();
        try {
            ensureOpen();
            // Settles what already arrived, so that earlier replies cannot fill the socket while this one sends.
            drainArrived();
            long requestId = sendMany(frames, fds);
            return receiveReply(requestId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends {@code request}, with {@code payload} attached if not null, and reads every frame of its reply.
     *
     * @return the reply's frames, all successes; the caller owns their fds
     * @throws FdStoreException a refusal for an error reply; anything else closes the connection
     */
    List<ReplyFrame> exchange(Request request, Fd payload) throws FdStoreException {
        lock.lock();
        try {
            ensureOpen();
            long requestId = send(request, payload, null);
            return receiveReply(requestId);
        } finally {
            lock.unlock();
        }
    }

    /** The daemon's HELLO reply, read now if the first request has not read it yet. */
    Reply.Welcome welcome() throws FdStoreException {
        lock.lock();
        try {
            if (welcome != null) return welcome;
            ensureOpen();
            Pending hello = pending.peekFirst();
            if (hello == null || hello.type() != MessageType.HELLO) throw new IllegalStateException("HELLO not sent");
            acceptWelcome(hello, receiveFrame(hello, true));
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
        try {
            // Wakes a thread blocked in recvmsg or sendmsg, which holds the lock we need to free the buffers.
            Socket.shutdown(socket);
        } catch (LinuxException alreadyClosed) {
            // Released already, or the daemon is gone: nothing to wake.
        }
        lock.lock();
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

    private long send(Request request, Fd payload, CompletableFuture<List<ReplyFrame>> future)
            throws FdStoreException {
        long requestId = nextRequestId++;
        sendFrame(requestId, request, false, payload == null ? List.of() : List.of(payload), true);
        pending.addLast(new Pending(requestId, request.type(), future));
        return requestId;
    }

    /**
     * Sends one request in several frames, every one but the last with CONTINUES; the fds of frame i are
     * {@code fds.get(i)}. A failure after the first frame went out breaks the connection: the daemon waits for the
     * rest, and drops the partial request when the connection closes.
     */
    private long sendMany(List<? extends Request> frames, List<List<Fd>> fds) throws FdStoreException {
        long requestId = nextRequestId++;
        for (int i = 0; i < frames.size(); i++) {
            boolean last = i == frames.size() - 1;
            try {
                sendFrame(requestId, frames.get(i), !last, fds.get(i), i == 0);
            } catch (FdStoreException e) {
                if (i == 0 || closed) throw e;
                throw breakConnection(e.errno(), "request " + requestId + " broke off after " + i + " of "
                        + frames.size() + " frames: " + e.getMessage(), e);
            }
        }
        pending.addLast(new Pending(requestId, frames.getFirst().type(), null));
        return requestId;
    }

    /**
     * Encodes and sends one frame. A closed fd among {@code fds} is reported as EBADF and, if {@code intact} (no
     * frame of this request went out yet), leaves the stream intact; any other failure breaks the connection.
     */
    private void sendFrame(long requestId, Request request, boolean continues, List<Fd> fds, boolean intact)
            throws FdStoreException {
        sendBuffer.clear();
        int length = RequestCodec.encode(requestId, request, continues, sendBuffer);
        while (true) {
            try {
                Socket.sendmsg(socket, sendSegment, length, fds, 0);
                return;
            } catch (LinuxException e) {
                if (e.errno() == Errno.EINTR) continue;
                for (Fd fd : fds) {
                    if (!fd.isOpen()) {
                        FdStoreException closedFd = new FdStoreException(Errno.EBADF, "cannot save " + fd
                                + ": it is closed", e);
                        if (intact) throw closedFd;
                        throw breakConnection(Errno.EBADF, closedFd.getMessage(), e);
                    }
                }
                if (closed) throw closedException();
                throw breakConnection(e.errno(), "cannot send to the daemon on " + path + ": " + e.getMessage(), e);
            }
        }
    }

    private List<ReplyFrame> receiveReply(long requestId) throws FdStoreException {
        List<ReplyFrame> frames = new ArrayList<>();
        try {
            while (true) {
                Pending head = pending.peekFirst();
                ReplyFrame frame = receiveFrame(head, true);
                if (head.type() == MessageType.HELLO || head.future() != null) {
                    settle(head, frame);
                    continue;
                }
                if (head.requestId() != requestId) {
                    throw new IllegalStateException("reply to request " + head.requestId() + " has no reader");
                }
                if (frame.reply() instanceof Reply.Failure f) {
                    pending.removeFirst();
                    throw FdStoreException.refusal(f.errno(), f.message());
                }
                frames.add(frame);
                if (!frame.header().continues()) {
                    pending.removeFirst();
                    return frames;
                }
            }
        } catch (FdStoreException | RuntimeException e) {
            frames.forEach(ReplyFrame::closeFds);
            throw e;
        }
    }

    /** Reads, without blocking, the replies that have arrived for submitted requests. */
    private void drainArrived() throws FdStoreException {
        while (!pending.isEmpty()) {
            Pending head = pending.peekFirst();
            if (head.future() == null && head.type() != MessageType.HELLO) return;
            ReplyFrame frame = receiveFrame(head, false);
            if (frame == null) return;
            settle(head, frame);
        }
    }

    /** Applies a frame to the HELLO or submitted request at the head of {@link #pending}. */
    private void settle(Pending head, ReplyFrame frame) throws FdStoreException {
        if (head.type() == MessageType.HELLO) {
            acceptWelcome(head, frame);
            return;
        }
        if (frame.reply() instanceof Reply.Failure f) {
            pending.removeFirst();
            head.future().completeExceptionally(FdStoreException.refusal(f.errno(), f.message()));
            return;
        }
        head.frames().add(frame);
        if (!frame.header().continues()) {
            pending.removeFirst();
            head.future().complete(head.frames());
        }
    }

    private void acceptWelcome(Pending hello, ReplyFrame frame) throws FdStoreException {
        if (!(frame.reply() instanceof Reply.Welcome w)) throw unexpected(hello, frame);
        if (w.version() != Limits.VERSION) {
            throw breakConnection(Errno.EPROTO, "the daemon on " + path + " agreed to protocol version "
                    + w.version() + ", but this client offered only " + Limits.VERSION, null);
        }
        pending.removeFirst();
        welcome = w;
    }

    /**
     * Reads one reply frame and checks that it answers {@code expected}. Error replies that end the connection
     * are thrown here as refusals, after closing it; other error replies are returned. Without {@code block}, null
     * when nothing has arrived.
     */
    private ReplyFrame receiveFrame(Pending expected, boolean block) throws FdStoreException {
        Received received = receiveMessage(block ? 0 : Socket.MSG_DONTWAIT);
        if (received == null) return null;
        if (received.endOfStream()) {
            if (closed) throw closedException();
            throw breakConnection(Errno.ECONNRESET, "daemon closed the connection on " + path, null);
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
        ReplyFrame frame = new ReplyFrame(decoded.header(), decoded.reply(), received.fds());
        if (frame.reply() instanceof Reply.Failure f) {
            if (decoded.header().type() == Limits.ERROR_REPLY_TYPE || expected.type() == MessageType.HELLO
                    || endsConnection(f.errnoName())) {
                // The daemon hangs up after these: later requests could only fail, so fail them now.
                breakConnection(f.errnoName(), f.message(), null);
                throw FdStoreException.refusal(f.errno(), f.message());
            }
        }
        boolean sameRequest = decoded.header().requestId() == expected.requestId();
        boolean sameType = frame.reply() instanceof Reply.Failure
                || decoded.header().type() == expected.type().replyCode();
        if (!sameRequest || !sameType) throw unexpected(expected, frame);
        return frame;
    }

    private Received receiveMessage(int flags) throws FdStoreException {
        while (true) {
            try {
                return Socket.recvmsg(socket, receiveSegment, flags);
            } catch (LinuxException e) {
                if (e.errno() == Errno.EINTR) continue;
                if (closed) throw closedException();
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
                + " request " + Long.toUnsignedString(expected.requestId()) + " with a " + got + " to request "
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
        for (Pending p : pending) {
            p.frames().forEach(ReplyFrame::closeFds);
            if (p.future() != null) p.future().completeExceptionally(closedException());
        }
        pending.clear();
        socket.close();
        arena.close();
    }
}

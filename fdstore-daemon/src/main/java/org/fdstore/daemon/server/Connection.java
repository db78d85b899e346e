package org.fdstore.daemon.server;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.daemon.policy.Access;
import org.fdstore.daemon.policy.PeerIdentity;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Socket;

/**
 * One client connection: its socket, its kernel-verified peer and what the policy grants it, the agreed protocol
 * version, and the replies waiting for room in its socket.
 *
 * <p>Not thread safe: owned by the event loop. Replies leave in the order their requests came.
 */
final class Connection {
    final long token;
    final Fd socket;
    final PeerCredentials peer;
    /** The peer's identity, read at accept, and its rights under the policy. */
    final Access access;
    /**
     * The peer closed its end (EPIPE on a reply): replies are dropped, but the requests it already sent are still
     * carried out, because a request is durable once the client's sendmsg returned.
     */
    boolean peerGone;
    /** The metric lines this connection published last (PUBLISH_METRICS), with its uid; gone with it. */
    List<org.fdstore.daemon.observe.MetricFamily.Sample> published = List.of();
    /** 0 until HELLO has been answered. */
    int version;
    /** When the oldest queued reply was queued, or 0 when nothing waits. */
    long blockedSinceNanos;
    /** A SAVE_MANY or RESTORE_MANY whose last frame has not arrived, or null. */
    OpenBatch batch;
    private final ArrayDeque<QueuedFrame> outbox = new ArrayDeque<>();
    /** A RESTORE_MANY reply being sent, after the outbox, or null. */
    private RestoreStream stream;
    private int queuedFds;

    Connection(long token, Fd socket, PeerCredentials peer, PeerIdentity identity) {
        this.token = token;
        this.socket = socket;
        this.peer = peer;
        this.access = new Access(identity);
    }

    boolean hasQueued() {
        return !outbox.isEmpty() || stream != null;
    }

    /**
     * Starts sending a RESTORE_MANY reply after any queued replies; {@link #flush} sends its frames as the socket
     * takes them. No other reply is made meanwhile, because requests are not read while replies wait.
     */
    void startStream(RestoreStream restore) {
        if (stream != null) throw new IllegalStateException("a RESTORE_MANY reply is being sent already");
        stream = restore;
    }

    /** Duplicated fds held by queued replies. */
    int queuedFds() {
        return queuedFds;
    }

    /**
     * Sends {@code length} bytes of {@code frame} with {@code fds} now, or queues a copy behind earlier replies if
     * that keeps this connection's queued fds within {@code fdBudget}.
     *
     * @return false if the reply could be neither sent nor queued
     */
    boolean send(MemorySegment frame, int length, List<Fd> fds, long nowNanos, int fdBudget) throws LinuxException {
        if (stream != null) throw new IllegalStateException("a reply made while a RESTORE_MANY reply is being sent");
        if (outbox.isEmpty() && Socket.sendmsg(socket, frame, length, fds, Socket.MSG_DONTWAIT) >= 0) return true;
        if (fds.size() > fdBudget) return false;
        List<Fd> copies = new ArrayList<>(fds.size());
        try {
            for (Fd fd : fds) copies.add(fd.duplicate());
        } catch (LinuxException e) {
            Closer.closeAll(copies);
            throw e;
        }
        if (outbox.isEmpty()) blockedSinceNanos = nowNanos;
        outbox.add(new QueuedFrame(frame.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), copies));
        queuedFds += copies.size();
        return true;
    }

    /** Sends queued replies, then the frames of a RESTORE_MANY reply, while the socket takes them; true when done. */
    boolean flush(MemorySegment scratch, long nowNanos) throws LinuxException {
        if (!flushOutbox(scratch, nowNanos)) return false;
        while (stream != null) {
            int length = stream.makeFrame(scratch);
            if (Socket.sendmsg(socket, scratch, length, stream.frameFds(), Socket.MSG_DONTWAIT) < 0) {
                if (blockedSinceNanos == 0) blockedSinceNanos = nowNanos;
                return false;
            }
            if (stream.sent()) stream = null;
            blockedSinceNanos = stream == null ? 0 : nowNanos;
        }
        return true;
    }

    private boolean flushOutbox(MemorySegment scratch, long nowNanos) throws LinuxException {
        while (!outbox.isEmpty()) {
            QueuedFrame next = outbox.peek();
            MemorySegment.copy(next.bytes(), 0, scratch, ValueLayout.JAVA_BYTE, 0, next.bytes().length);
            if (Socket.sendmsg(socket, scratch, next.bytes().length, next.fds(), Socket.MSG_DONTWAIT) < 0) return false;
            outbox.poll().closeFds();
            queuedFds -= next.fds().size();
            blockedSinceNanos = outbox.isEmpty() ? 0 : nowNanos;
        }
        return true;
    }

    /** The peer has closed its end: drops queued replies, keeps reading what it sent before. */
    void peerClosed() {
        dropQueued();
        peerGone = true;
    }

    /** Drops queued replies and any unfinished multi-frame request (all or nothing), and closes the socket. */
    void close() {
        dropQueued();
        if (batch != null) batch.closeFds();
        batch = null;
        socket.close();
    }

    private void dropQueued() {
        stream = null;
        outbox.forEach(QueuedFrame::closeFds);
        outbox.clear();
        queuedFds = 0;
        blockedSinceNanos = 0;
    }
}

package org.fdstore.e2e;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.DecodedReply;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.ProtocolException;
import org.fdstore.protocol.ReplyCodec;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.RequestCodec;

/** A client that sends raw frames, well-formed or not, and reads raw replies: the daemon's bad-input adversary. */
final class RawClient implements AutoCloseable {
    private final Fd socket;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(Limits.MAX_FRAME * 2L, 8);
    private long nextRequestId = 1;

    RawClient(Path path) throws LinuxException {
        socket = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0);
        Socket.connect(socket, path.toString());
    }

    /** Encodes a well-formed request frame. */
    byte[] frame(Request request) {
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
        int length = RequestCodec.encode(nextRequestId++, request, out);
        byte[] bytes = new byte[length];
        out.get(0, bytes);
        return bytes;
    }

    void send(byte[] frame, List<Fd> fds) throws LinuxException {
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, 0, frame.length);
        Socket.sendmsg(socket, buffer, frame.length, fds, 0);
    }

    /** Sends without blocking; false when the socket is full. */
    boolean trySend(byte[] frame) throws LinuxException {
        return trySend(frame, List.of());
    }

    /** Sends with {@code fds} without blocking; false when the socket is full. */
    boolean trySend(byte[] frame, List<Fd> fds) throws LinuxException {
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, 0, frame.length);
        return Socket.sendmsg(socket, buffer, frame.length, fds, Socket.MSG_DONTWAIT) >= 0;
    }

    void send(Request request, List<Fd> fds) throws LinuxException {
        send(frame(request), fds);
    }

    void hello() throws Exception {
        send(new Request.Hello(1, 1, 0, "raw-test"), List.of());
        receive();
    }

    /** The next reply, or null once the daemon has closed the connection. Reply fds are closed. */
    DecodedReply receive() throws LinuxException, ProtocolException {
        Received[] got = new Received[1];
        Await.until("a reply from the daemon", Duration.ofSeconds(10), () -> {
            try {
                got[0] = Socket.recvmsg(socket, buffer, Socket.MSG_DONTWAIT);
                return got[0] != null;
            } catch (LinuxException e) {
                throw new AssertionError(e);
            }
        });
        Received r = got[0];
        r.closeFds();
        if (r.endOfStream()) return null;
        ByteBuffer view = buffer.asSlice(0, r.length()).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return ReplyCodec.decode(view, r.fds().size());
    }

    /** Whether the daemon has closed this connection (after any replies still queued). */
    boolean closedByDaemon() throws Exception {
        while (true) {
            DecodedReply r = receive();
            if (r == null) return true;
        }
    }

    @Override
    public void close() {
        if (!socket.isOpen()) return;
        socket.close();
        arena.close();
    }
}

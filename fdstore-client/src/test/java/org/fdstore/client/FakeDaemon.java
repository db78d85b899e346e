package org.fdstore.client;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.ReplyCodec;
import org.fdstore.protocol.RequestCodec;

/**
 * A scripted stand-in for the daemon: listens on a socket in a temp dir, accepts one connection per script and runs
 * the scripts in turn against them on its own thread, then stops listening (a later connect is refused). Lets client
 * tests provoke replies a correct daemon never sends, and GOAWAYs at chosen points.
 */
final class FakeDaemon implements AutoCloseable {
    /** What the fake does with its one connection. */
    interface Script {
        void serve(Peer peer) throws Exception;
    }

    private final String path;
    private final Fd listener;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private FakeDaemon(String path, Fd listener, Script... scripts) {
        this.path = path;
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("fake-daemon").start(() -> {
            try {
                for (Script script : scripts) {
                    try (Fd connection = Socket.accept4(listener, 0); Peer peer = new Peer(connection)) {
                        script.serve(peer);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                listener.close();
            }
        });
    }

    static FakeDaemon start(Path dir, Script... scripts) throws Exception {
        String path = dir.resolve("fake.sock").toString();
        Fd listener = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0);
        Socket.bind(listener, path);
        Socket.listen(listener, 4);
        return new FakeDaemon(path, listener, scripts);
    }

    String path() {
        return path;
    }

    /** Waits for the script to end and rethrows what it threw. */
    @Override
    public void close() throws Exception {
        thread.join(TimeUnit.SECONDS.toMillis(10));
        listener.close();
        if (thread.isAlive()) throw new AssertionError("fake daemon script still running after 10 s");
        Throwable t = failure.get();
        if (t instanceof Exception e) throw e;
        if (t instanceof Error e) throw e;
    }

    /** The fake's end of the connection. */
    static final class Peer implements AutoCloseable {
        private final Fd connection;
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment buffer = arena.allocate(Limits.MAX_FRAME, 8);

        Peer(Fd connection) {
            this.connection = connection;
        }

        /** The next request; its fds are closed unless {@code keepFds} holds them. */
        DecodedRequest receive() throws Exception {
            Received received = Socket.recvmsg(connection, buffer, 0);
            if (received.endOfStream()) throw new AssertionError("client hung up");
            ByteBuffer frame = buffer.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).limit((int) received.length());
            DecodedRequest request = RequestCodec.decode(frame, received.fds().size());
            received.closeFds();
            return request;
        }

        /** Whether the client hung up: the next message is the end of the stream. */
        boolean receivesEnd() throws Exception {
            Received received = Socket.recvmsg(connection, buffer, 0);
            received.closeFds();
            return received.endOfStream();
        }

        void reply(DecodedRequest to, Reply reply, List<Fd> fds) throws Exception {
            reply(to.header().type() | 0x80, to.header().requestId(), false, reply, fds);
        }

        void reply(int type, long requestId, boolean continues, Reply reply, List<Fd> fds) throws Exception {
            ByteBuffer out = buffer.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int length = ReplyCodec.encode(type, requestId, continues, reply, fds.size(), out);
            Socket.sendmsg(connection, buffer, length, fds, 0);
        }

        /** Sends a frame as given, even one the codec would refuse to write. */
        void sendRaw(byte[] bytes, List<Fd> fds) throws Exception {
            MemorySegment.copy(bytes, 0, buffer, ValueLayout.JAVA_BYTE, 0, bytes.length);
            Socket.sendmsg(connection, buffer, bytes.length, fds, 0);
        }

        /** The frame {@link #reply} would send, as bytes, for tampering. */
        byte[] encode(int type, long requestId, Reply reply, int fdCount) {
            ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
            int length = ReplyCodec.encode(type, requestId, false, reply, fdCount, out);
            byte[] bytes = new byte[length];
            out.flip().get(bytes);
            return bytes;
        }

        /** Sends a GOAWAY, as the daemon does before it hands over or shuts down. */
        void goAway(Reply.GoAway.Reason reason) throws Exception {
            reply(Limits.ERROR_REPLY_TYPE, 0, false, new Reply.GoAway(reason, "fake daemon goes away"), List.of());
        }

        /** Answers the HELLO that every connection starts with, agreeing to no feature. */
        void welcome(DecodedRequest hello) throws Exception {
            welcome(hello, 0);
        }

        /** Answers the HELLO, agreeing to {@code features}. */
        void welcome(DecodedRequest hello, long features) throws Exception {
            reply(hello, new Reply.Welcome(Limits.VERSION, features, 4242, Limits.MAX_FRAME, Limits.MAX_NAME_BYTES,
                    Limits.MAX_METADATA, Limits.MAX_FDS_PER_FRAME), List.of());
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}

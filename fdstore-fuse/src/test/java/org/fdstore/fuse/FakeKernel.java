package org.fdstore.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Unistd;

/**
 * Plays the kernel's side of /dev/fuse over a SOCK_SEQPACKET pair: one message per request and per reply, as the
 * device does. The server side goes to a session; this side writes requests and reads replies with deadlines.
 */
final class FakeKernel implements AutoCloseable {
    final Fd kernel;
    final Fd server;
    private final Epoll epoll;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(1 << 21, 8);

    FakeKernel() throws LinuxException {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        kernel = pair[0];
        server = pair[1];
        epoll = Epoll.create(1);
        epoll.add(kernel, Epoll.EPOLLIN, 0);
    }

    void send(byte[] request) throws LinuxException {
        MemorySegment s = arena.allocate(request.length, 8);
        s.copyFrom(MemorySegment.ofArray(request));
        Unistd.write(kernel, s, request.length);
    }

    /** The next message the server wrote, little-endian; fails if none comes within the deadline. */
    ByteBuffer receive() throws LinuxException {
        ByteBuffer b = poll((int) FuseTestSupport.DEADLINE.toMillis());
        if (b == null) throw new AssertionError("no reply within " + FuseTestSupport.DEADLINE);
        return b;
    }

    /** The next message, or null if none comes within {@code millis}. */
    ByteBuffer poll(int millis) throws LinuxException {
        if (epoll.await(millis) == 0) return null;
        long n = Unistd.read(kernel, buffer, buffer.byteSize());
        return ByteBuffer.wrap(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() {
        epoll.close();
        kernel.close();
        server.close();
        arena.close();
    }
}

package org.fdstore.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;

/**
 * A successor server in its own JVM, for {@link TakeoverTest}: connects to the socket named by its argument,
 * receives the /dev/fuse fd with the serialised {@link InitResult}, takes the connection over, sends RESEND, prints
 * "serving", and serves until its stdin closes.
 */
public final class ChildServer {
    private ChildServer() {}

    public static void main(String[] args) throws Exception {
        try (Fd socket = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0); Arena arena = Arena.ofConfined()) {
            Socket.connect(socket, args[0]);
            MemorySegment buffer = arena.allocate(4096);
            Received message = Socket.recvmsg(socket, buffer, 0);
            if (message.fds().size() != 1) throw new IllegalStateException("expected one fd, got " + message);
            InitResult agreed = InitResult.fromBytes(buffer.asSlice(0, message.length()).toArray(ValueLayout.JAVA_BYTE));
            try (Fd device = message.fds().get(0); FuseSession session = FuseSession.takeover(device, agreed,
                    new HelloFs())) {
                session.start(2);
                session.resend();
                System.out.println("serving pid=" + ProcessHandle.current().pid());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // serve until the parent closes our stdin
                }
            }
        }
    }
}

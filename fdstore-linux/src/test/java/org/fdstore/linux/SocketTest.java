package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketTest {
    @TempDir Path dir;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(4096);
    private int fdsBefore;

    @BeforeEach
    void countFds() {
        fdsBefore = OpenFds.count();
    }

    @AfterEach
    void noLeak() {
        arena.close();
        assertThat(OpenFds.count()).as("open fds after the test").isEqualTo(fdsBefore);
    }

    @Test
    void sendmsg_withFds_arriveAsSameOpenFileAndCloseOnExec() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        try (Fd a = pair[0]; Fd b = pair[1];
             Fd file = Fcntl.open(dir.resolve("f").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644)) {
            buffer.setString(0, "hi");
            assertThat(Socket.sendmsg(a, buffer, 3, List.of(file), 0)).isEqualTo(3);
            Received r = Socket.recvmsg(b, buffer, 0);
            assertThat(r.length()).isEqualTo(3);
            assertThat(buffer.getString(0)).isEqualTo("hi");
            assertThat(r.fds()).hasSize(1);
            try (Fd got = r.fds().getFirst()) {
                assertThat(Fcntl.getDescriptorFlags(got) & 1).isEqualTo(1);
                assertThat(Stat.fstat(got).ino()).isEqualTo(Stat.fstat(file).ino());
                Unistd.lseek(file, 7, Unistd.SEEK_SET);
                assertThat(Unistd.lseek(got, 0, Unistd.SEEK_CUR)).isEqualTo(7);
            }
        }
    }

    @Test
    void sendmsg_253Fds_allArrive() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        List<Fd> many = new ArrayList<>();
        try (Fd a = pair[0]; Fd b = pair[1]; Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            for (int i = 0; i < 253; i++) many.add(file);
            Socket.sendmsg(a, buffer, 1, many, 0);
            Received r = Socket.recvmsg(b, buffer, 0);
            assertThat(r.fds()).hasSize(253);
            r.closeFds();
            many.add(file);
            assertThatThrownBy(() -> Socket.sendmsg(a, buffer, 1, many, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("254 fds");
        }
    }

    @Test
    void recvmsg_nonBlockingAndEmpty_returnsNull() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET | Socket.SOCK_NONBLOCK);
        try (Fd a = pair[0]; Fd b = pair[1]) {
            assertThat(Socket.recvmsg(b, buffer, 0)).isNull();
        }
    }

    @Test
    void recvmsg_afterPeerCloses_isEndOfStream() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        try (Fd b = pair[1]) {
            pair[0].close();
            assertThat(Socket.recvmsg(b, buffer, 0).endOfStream()).isTrue();
        }
    }

    @Test
    void recvmsg_messageLongerThanBuffer_isTruncated() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        try (Fd a = pair[0]; Fd b = pair[1]) {
            Socket.sendmsg(a, buffer, 100, List.of(), 0);
            Received r = Socket.recvmsg(b, buffer.asSlice(0, 10), 0);
            assertThat(r.truncated()).isTrue();
        }
    }

    @Test
    void listenAcceptConnect_peerCredentialsAreOurs() throws Exception {
        String path = dir.resolve("s.sock").toString();
        try (Fd server = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET | Socket.SOCK_NONBLOCK, 0)) {
            Socket.bind(server, path);
            Socket.listen(server, 16);
            assertThat(Socket.accept4(server, 0)).isNull();
            try (Fd client = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
                Socket.connect(client, path);
                try (Fd conn = Socket.accept4(server, 0)) {
                    PeerCredentials peer = Socket.peerCredentials(conn);
                    assertThat(peer.pid()).isEqualTo(ProcessHandle.current().pid());
                    assertThat(peer.uid()).isEqualTo((int) new com.sun.security.auth.module.UnixSystem().getUid());
                }
            }
        }
    }

    @Test
    void connect_missingPath_namesPathAndErrno() throws Exception {
        try (Fd client = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
            String path = dir.resolve("none.sock").toString();
            assertThatThrownBy(() -> Socket.connect(client, path))
                    .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                    .hasMessage("connect(\"" + path + "\"): ENOENT (No such file or directory)");
        }
    }

    @Test
    void sendmsg_closedFdAttached_failsWithEbadfAndSendsNothing() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET | Socket.SOCK_NONBLOCK);
        try (Fd a = pair[0]; Fd b = pair[1]) {
            Fd gone = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0);
            gone.close();
            assertThatThrownBy(() -> Socket.sendmsg(a, buffer, 1, List.of(gone), 0))
                    .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
            assertThat(Socket.recvmsg(b, buffer, 0)).isNull();
        }
    }

    @Test
    void epoll_reportsReadableSocketWithToken() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        try (Fd a = pair[0]; Fd b = pair[1]; Epoll epoll = Epoll.create(8); EventFd wake = EventFd.create()) {
            epoll.add(b, Epoll.EPOLLIN, 77);
            epoll.add(wake.fd(), Epoll.EPOLLIN, 5);
            assertThat(epoll.await(0)).isZero();
            buffer.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            Socket.sendmsg(a, buffer, 1, List.of(), 0);
            wake.signal();
            assertThat(epoll.await(1000)).isEqualTo(2);
            List<Long> tokens = List.of(epoll.token(0), epoll.token(1));
            assertThat(tokens).containsExactlyInAnyOrder(77L, 5L);
            wake.drain();
            Socket.recvmsg(b, buffer, 0);
            assertThat(epoll.await(0)).isZero();
        }
    }

    @Test
    void recvmsgWithCredentials_passCredOnDatagramSocket_carriesTheSendersPidUidGidAndFds() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_DGRAM);
        try (Fd a = pair[0]; Fd b = pair[1]; Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            Socket.setPassCredentials(b);
            buffer.setString(0, "FDSTORE=1");
            Socket.sendmsg(a, buffer, 9, List.of(file, file), 0);

            Datagram d = Socket.recvmsgWithCredentials(b, buffer, 0);

            assertThat(d.credentials()).isEqualTo(new PeerCredentials(Unistd.getpid(), Unistd.geteuid(),
                    Unistd.getegid()));
            assertThat(d.message().length()).isEqualTo(9);
            assertThat(d.message().fds()).hasSize(2);
            d.message().closeFds();
        }
    }

    @Test
    void recvmsgWithCredentials_withoutPassCred_hasNoCredentials() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_DGRAM);
        try (Fd a = pair[0]; Fd b = pair[1]) {
            Socket.sendmsg(a, buffer, 1, List.of(), 0);
            assertThat(Socket.recvmsgWithCredentials(b, buffer, 0).credentials()).isNull();
        }
    }

    @Test
    void socketType_namesEachKindAndRefusesAFileWithEnotsock() throws Exception {
        Fd[] dgram = Socket.socketpair(Socket.SOCK_DGRAM);
        Fd[] seqpacket = Socket.socketpair(Socket.SOCK_SEQPACKET);
        try (Fd a = dgram[0]; Fd b = dgram[1]; Fd c = seqpacket[0]; Fd d = seqpacket[1];
             Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            assertThat(Socket.socketType(a)).isEqualTo(Socket.SOCK_DGRAM);
            assertThat(Socket.socketType(c)).isEqualTo(Socket.SOCK_SEQPACKET);
            assertThatThrownBy(() -> Socket.socketType(file)).isInstanceOfSatisfying(LinuxException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.ENOTSOCK));
        }
    }
}

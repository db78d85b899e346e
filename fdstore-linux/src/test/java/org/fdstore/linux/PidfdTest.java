package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PidfdTest {

    @Test
    void open_ownPid_isAliveAndCloseOnExec() throws Exception {
        int before = OpenFds.count();
        try (Pidfd self = Pidfd.open(Unistd.getpid())) {
            assertThat(self.isAlive()).isTrue();
            assertThat(self.pid()).isEqualTo(Unistd.getpid());
            assertThat(Fcntl.getDescriptorFlags(self.fd()) & 1).as("FD_CLOEXEC").isEqualTo(1);
            assertThat(self.fd().describe().target()).contains("pidfd");
        }
        assertThat(OpenFds.count()).isEqualTo(before);
    }

    @Test
    void open_noSuchProcess_failsWithEsrch() {
        assertThatThrownBy(() -> Pidfd.open(Integer.MAX_VALUE - 7))
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH))
                .hasMessageContaining("pidfd_open(");
    }

    @Test
    void epoll_childExits_pidfdTurnsReadableAndIsNoLongerAlive() throws Exception {
        Process child = new ProcessBuilder("sleep", "600").start();
        try (Pidfd pidfd = Pidfd.open((int) child.pid()); Epoll epoll = Epoll.create(4)) {
            epoll.add(pidfd.fd(), Epoll.EPOLLIN, 42);
            assertThat(epoll.await(0)).as("readable before exit").isZero();
            assertThat(pidfd.isAlive()).isTrue();

            child.destroyForcibly();
            assertThat(epoll.await(10_000)).as("readable after exit").isEqualTo(1);
            assertThat(epoll.token(0)).isEqualTo(42);
            assertThat(epoll.events(0) & Epoll.EPOLLIN).isNotZero();
            child.waitFor(10, TimeUnit.SECONDS);   // reaped by the JDK: the pid is free for reuse now
            assertThat(pidfd.isAlive()).isFalse();
            epoll.remove(pidfd.fd());
        }
    }

    @Test
    void ofPeer_socketpair_namesThisProcess() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        try (Fd a = pair[0]; Fd b = pair[1]; Pidfd peer = Pidfd.ofPeer(a, Unistd.getpid());
             Pidfd self = Pidfd.open(Unistd.getpid())) {
            assertThat(peer.isAlive()).isTrue();
            assertThat(peer.inode()).as("pidfs gives one inode per process").isEqualTo(self.inode());
        }
    }

    @Test
    void inode_twoProcesses_differ() throws Exception {
        Process child = new ProcessBuilder("sleep", "600").start();
        try (Pidfd self = Pidfd.open(Unistd.getpid()); Pidfd other = Pidfd.open((int) child.pid())) {
            assertThat(other.inode()).isNotEqualTo(self.inode());
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void isAlive_afterClose_failsWithEbadf() throws Exception {
        Pidfd pidfd = Pidfd.open(Unistd.getpid());
        pidfd.close();
        pidfd.close();
        assertThatThrownBy(pidfd::isAlive)
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }
}

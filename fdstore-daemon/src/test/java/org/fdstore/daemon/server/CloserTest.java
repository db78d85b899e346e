package org.fdstore.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Memfd;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloserTest {
    @TempDir Path dir;

    private static boolean isOpen(int number) {
        return new File("/proc/self/fd/" + number).exists();
    }

    @Test
    void close_socketOrDevice_closesAtOnce() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        Fd devNull = Fcntl.open("/dev/null", Fcntl.O_RDWR, 0);
        try (Fd other = pair[1]) {
            assertThat(Closer.laneOf(pair[0])).isEqualTo(Long.MIN_VALUE);
            assertThat(Closer.laneOf(devNull)).isEqualTo(Long.MIN_VALUE);
            Closer.close(pair[0]);
            Closer.close(devNull);
            assertThat(pair[0].isOpen()).isFalse();
            assertThat(isOpen(devNull.number())).isFalse();
        }
    }

    @Test
    void close_fileOfAnAnonymousDevice_closesOnACloserThread() throws Exception {
        // A memfd lives on the kernel's internal tmpfs: major 0, as FUSE and NFS, whose close may wait for a server.
        Fd memfd = Memfd.memfdCreate("closer-test");
        long device = Stat.fstat(memfd).dev();
        assertThat(Closer.laneOf(memfd)).isEqualTo(device);
        int number = memfd.number();
        Closer.close(memfd);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (isOpen(number) && System.nanoTime() < deadline) Thread.sleep(1);
        assertThat(isOpen(number)).as("memfd closed by a closer thread within 10 s").isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("fdstore-closer-"));
        assertThat(Closer.pending()).isZero();
    }

    @Test
    void laneOf_closedFd_closesAtOnce() throws Exception {
        Fd fd = Fcntl.open(dir.resolve("f").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0600);
        fd.close();
        assertThat(Closer.laneOf(fd)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void closeAllWithin_filesOfAnAnonymousDevice_areClosedWhenItReturns() throws Exception {
        Fd a = Memfd.memfdCreate("closer-a");
        Fd b = Memfd.memfdCreate("closer-b");
        int[] numbers = {a.number(), b.number()};
        assertThat(Closer.closeAllWithin(java.util.List.of(a, b), 10_000)).isTrue();
        assertThat(isOpen(numbers[0]) || isOpen(numbers[1])).isFalse();
    }
}

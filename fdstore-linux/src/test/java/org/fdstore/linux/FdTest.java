package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdTest {
    @TempDir Path dir;

    @Test
    void close_twice_closesOnceAndLeaksNothing() throws Exception {
        int before = OpenFds.count();
        Fd fd = Fcntl.open(dir.resolve("a").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644);
        assertThat(OpenFds.count()).isEqualTo(before + 1);
        fd.close();
        fd.close();
        assertThat(fd.isOpen()).isFalse();
        assertThat(OpenFds.count()).isEqualTo(before);
    }

    @Test
    void use_afterClose_failsWithEbadf() throws Exception {
        Fd fd = Fcntl.open(dir.resolve("a").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644);
        fd.close();
        assertThatThrownBy(() -> Stat.fstat(fd))
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }

    @Test
    void open_isCloseOnExec() throws Exception {
        try (Fd fd = Fcntl.open(dir.resolve("a").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644)) {
            assertThat(Fcntl.getDescriptorFlags(fd) & 1).isEqualTo(1);
        }
    }

    @Test
    void open_missingFile_namesCallAndErrno() {
        assertThatThrownBy(() -> Fcntl.open(dir.resolve("none").toString(), Fcntl.O_RDONLY, 0))
                .isInstanceOf(LinuxException.class)
                .hasMessageContaining("open(\"" + dir.resolve("none") + "\", O_RDONLY)")
                .hasMessageContaining("ENOENT (No such file or directory)");
    }

    @Test
    void describe_regularFile_givesKindTargetAndFlags() throws Exception {
        Path file = dir.resolve("data");
        try (Fd fd = Fcntl.open(file.toString(), Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_APPEND, 0644)) {
            FdDescription d = fd.describe();
            assertThat(d.kind()).isEqualTo(FileKind.REGULAR);
            assertThat(d.target()).isEqualTo(file.toRealPath().toString());
            assertThat(d.openFlags() & Fcntl.O_ACCMODE).isEqualTo(Fcntl.O_RDWR);
            assertThat(OpenFlags.describe(d.openFlags())).startsWith("O_RDWR|").contains("O_APPEND");
            Files.delete(file);
            assertThat(fd.describe().target()).endsWith(" (deleted)");
        }
    }

    @Test
    void describe_otherKinds() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        try (Fd a = pair[0]; Fd b = pair[1]; Fd d = Fcntl.open(dir.toString(), Fcntl.O_RDONLY, 0);
             EventFd e = EventFd.create(); Fd dev = Fcntl.open("/dev/null", Fcntl.O_RDWR, 0)) {
            assertThat(a.describe().kind()).isEqualTo(FileKind.SOCKET);
            assertThat(a.describe().target()).startsWith("socket:[");
            assertThat(d.describe().kind()).isEqualTo(FileKind.DIRECTORY);
            assertThat(e.fd().describe().kind()).isEqualTo(FileKind.ANON_INODE);
            assertThat(dev.describe().kind()).isEqualTo(FileKind.CHARACTER_DEVICE);
        }
    }

    @Test
    void describe_fileDeeperThanPathMax_saysItsPathIsUndescribable() throws Exception {
        byte[] name = "d".repeat(250).getBytes();
        // 20 levels of 250 bytes: a path of 5000 bytes and more, past PATH_MAX (4096). Built and removed by fd,
        // as no path reaches the bottom.
        java.util.ArrayDeque<Fd> dirs = new java.util.ArrayDeque<>();
        dirs.push(Fcntl.open(dir.toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0));
        try {
            for (int level = 0; level < 20; level++) {
                Stat.mkdirat(dirs.peek(), name, 0755);
                dirs.push(Fcntl.openat(dirs.peek(), name, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0));
            }
            try (Fd file = Fcntl.openat(dirs.peek(), "deep", Fcntl.O_RDWR | Fcntl.O_CREAT, 0600)) {
                assertThatThrownBy(() -> Unistd.readlink("/proc/self/fd/" + file.number()))
                        .isInstanceOfSatisfying(LinuxException.class,
                                e -> assertThat(e.errno()).isEqualTo(Errno.ENAMETOOLONG));
                FdDescription d = file.describe();
                assertThat(d.target()).isEqualTo("<undescribable: ENAMETOOLONG>");
                assertThat(d.kind()).isEqualTo(FileKind.REGULAR);
                assertThat(d.openFlags() & Fcntl.O_ACCMODE).isEqualTo(Fcntl.O_RDWR);
                assertThat(d.stat().ino()).isEqualTo(Stat.fstat(file).ino());
            }
        } finally {
            Unistd.unlinkat(dirs.peek(), "deep".getBytes(), 0);
            while (dirs.size() > 1) {
                dirs.pop().close();
                Unistd.unlinkat(dirs.peek(), name, Fcntl.AT_REMOVEDIR);
            }
            dirs.pop().close();
        }
    }

    @Test
    void describe_closedFd_failsWithEbadf() {
        Fd fd;
        try (Fd open = Fcntl.open(dir.resolve("a").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644)) {
            fd = open;
        } catch (LinuxException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(fd::describe)
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }

    @Test
    void describe_devFuse_isFuseConnection() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/fuse")), "/dev/fuse is absent");
        try (Fd fuse = Fcntl.open("/dev/fuse", Fcntl.O_RDWR, 0)) {
            assertThat(fuse.describe().kind()).isEqualTo(FileKind.FUSE_CONNECTION);
        }
    }

    @Test
    void duplicate_sharesTheOffset() throws Exception {
        try (Fd fd = Fcntl.open(dir.resolve("a").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644);
             Fd copy = fd.duplicate()) {
            Unistd.lseek(fd, 42, Unistd.SEEK_SET);
            assertThat(Unistd.lseek(copy, 0, Unistd.SEEK_CUR)).isEqualTo(42);
            assertThat(copy.number()).isNotEqualTo(fd.number());
        }
    }

    @Test
    void toFileChannel_readsAndWritesTheSameFile() throws Exception {
        Path file = dir.resolve("c");
        Fd fd = Fcntl.open(file.toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644);
        try (var channel = JdkFiles.toFileChannel(fd)) {
            assertThat(fd.isOpen()).isFalse();
            channel.write(java.nio.ByteBuffer.wrap("hello".getBytes()));
        }
        assertThat(Files.readString(file)).isEqualTo("hello");
    }
}

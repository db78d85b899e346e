package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FUSE ioctls on devices without a connection; fdstore-fuse tests them on live mounts. */
class IoctlTest {
    @TempDir Path dir;

    @BeforeEach
    void needFuse() {
        boolean ok = Unistd.getuid() == 0 && Files.isWritable(Path.of("/dev/fuse"));
        if ("true".equals(System.getenv("CI"))) {
            assertThat(ok).as("CI=true: FUSE ioctl tests must run as root with /dev/fuse").isTrue();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(ok, "needs root and /dev/fuse; skipped");
    }

    @Test
    void backingOpen_unconnectedDevice_failsWithEperm() throws Exception {
        int before = OpenFds.count();
        try (Fd dev = Fcntl.open("/dev/fuse", Fcntl.O_RDWR, 0);
             Fd file = Fcntl.open(dir.resolve("f").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644)) {
            assertThatThrownBy(() -> Ioctl.backingOpen(dev, file))
                    .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM))
                    .hasMessageContaining("FUSE_DEV_IOC_BACKING_OPEN, fd " + file.number());
        }
        assertThat(OpenFds.count()).isEqualTo(before);
    }

    @Test
    void backingClose_unconnectedDevice_fails() throws Exception {
        try (Fd dev = Fcntl.open("/dev/fuse", Fcntl.O_RDWR, 0)) {
            assertThatThrownBy(() -> Ioctl.backingClose(dev, 1))
                    .isInstanceOf(LinuxException.class)
                    .hasMessageContaining("FUSE_DEV_IOC_BACKING_CLOSE, 1");
        }
    }

    @Test
    void clone_ontoUnconnectedSession_failsWithEperm() throws Exception {
        try (Fd a = Fcntl.open("/dev/fuse", Fcntl.O_RDWR, 0); Fd b = Fcntl.open("/dev/fuse", Fcntl.O_RDWR, 0)) {
            assertThatThrownBy(() -> Ioctl.clone(a, b))
                    .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM))
                    .hasMessageContaining("FUSE_DEV_IOC_CLONE, fd " + b.number());
        }
    }

    @Test
    void ioctl_onClosedFd_failsWithEbadfBeforeTheCall() throws Exception {
        Fd dev = Fcntl.open("/dev/fuse", Fcntl.O_RDWR, 0);
        dev.close();
        assertThatThrownBy(() -> Ioctl.backingClose(dev, 1))
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }
}

package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTest {
    @TempDir Path dir;

    @BeforeEach
    void needRoot() {
        boolean root = Unistd.getuid() == 0;
        if ("true".equals(System.getenv("CI"))) {
            assertThat(root).as("CI=true: mount tests must run as root").isTrue();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(root, "mount(2) needs root; skipped");
    }

    @Test
    void mount_tmpfs_isVisibleUntilUmount2Detach() throws Exception {
        Path target = Files.createDirectory(dir.resolve("mnt"));
        int before = OpenFds.count();
        Mount.mount("fdstore-test", target.toString(), "tmpfs", Mount.MS_NOSUID | Mount.MS_NODEV, "size=1m");
        try {
            Files.writeString(target.resolve("f"), "x");
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(" " + target + " ");
        } finally {
            Mount.umount2(target.toString(), Mount.MNT_DETACH);
        }
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(" " + target + " ");
        assertThat(Files.exists(target.resolve("f"))).isFalse();
        assertThat(OpenFds.count()).isEqualTo(before);
    }

    @Test
    void umount2_notAMountpoint_failsWithEinvalNamingTheCall() {
        assertThatThrownBy(() -> Mount.umount2(dir.toString(), Mount.MNT_DETACH))
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("umount2(\"" + dir + "\", MNT_DETACH)");
    }

    @Test
    void mount_missingTarget_failsWithEnoentNamingFlags() {
        String missing = dir.resolve("none").toString();
        assertThatThrownBy(() -> Mount.mount("x", missing, "tmpfs", Mount.MS_NOSUID | Mount.MS_NODEV, null))
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                .hasMessageContaining("mount(\"x\", \"" + missing + "\", \"tmpfs\", MS_NOSUID|MS_NODEV)");
    }

    @Test
    void describeFlags_namesKnownBitsAndHexForTheRest() {
        assertThat(Mount.describeFlags(0)).isEqualTo("0");
        assertThat(Mount.describeFlags(Mount.MS_RDONLY | 0x1000)).isEqualTo("MS_RDONLY|0x1000");
    }
}

package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.IntSupplier;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.Stat;
import org.junit.jupiter.api.Test;

class SocketPathTest {
    /** A uid source that fails the test if asked: the path must not depend on the uid. */
    private static final IntSupplier NOT_ASKED = () -> {
        throw new AssertionError("the uid was asked for");
    };

    @Test
    void resolve_explicitPath_winsWithoutAskingTheUid() {
        assertThat(SocketPath.resolve("/tmp/a.sock", Map.of(SocketPath.ENVIRONMENT, "/tmp/b.sock"), NOT_ASKED))
                .isEqualTo("/tmp/a.sock");
    }

    @Test
    void resolve_environment_winsWithoutAskingTheUid() {
        assertThat(SocketPath.resolve(null, Map.of(SocketPath.ENVIRONMENT, "/tmp/b.sock"), NOT_ASKED))
                .isEqualTo("/tmp/b.sock");
        assertThat(SocketPath.resolve("", Map.of(SocketPath.ENVIRONMENT, "/tmp/b.sock"), NOT_ASKED))
                .isEqualTo("/tmp/b.sock");
    }

    @Test
    void resolve_neither_dependsOnTheUid() {
        Map<String, String> runtime = Map.of("XDG_RUNTIME_DIR", "/run/user/1000");
        assertThat(SocketPath.resolve(null, runtime, () -> 0)).isEqualTo(SocketPath.SYSTEM);
        assertThat(SocketPath.resolve(null, runtime, () -> 1000)).isEqualTo("/run/user/1000/fdstore.sock");
        assertThat(SocketPath.resolve(null, Map.of(), () -> 1000)).isEqualTo("/tmp/fdstore-1000/fdstore.sock");
    }

    private static FileStat lstat(int type, int permissions, int uid) {
        return new FileStat(1, 2, 1, type | permissions, uid, uid, 0, 0, 4096, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void privateDirectory_isPerUidUnderTmp() {
        assertThat(SocketPath.privateDirectory(1000)).isEqualTo("/tmp/fdstore-1000");
    }

    @Test
    void whyNotPrivate_ownDirectoryClosedToOthers_isNull() {
        assertThat(SocketPath.whyNotPrivate(lstat(Stat.S_IFDIR, 0700, 1000), uid -> uid == 1000)).isNull();
        assertThat(SocketPath.whyNotPrivate(lstat(Stat.S_IFDIR, 0755, 1000), uid -> uid == 1000)).isNull();
    }

    @Test
    void whyNotPrivate_linkOtherOwnerOrWritableByOthers_saysWhich() {
        assertThat(SocketPath.whyNotPrivate(lstat(Stat.S_IFLNK, 0777, 1000), uid -> uid == 1000))
                .isEqualTo("is a symbolic link");
        assertThat(SocketPath.whyNotPrivate(lstat(Stat.S_IFREG, 0600, 1000), uid -> uid == 1000))
                .isEqualTo("is not a directory");
        assertThat(SocketPath.whyNotPrivate(lstat(Stat.S_IFDIR, 0700, 1001), uid -> uid == 1000))
                .isEqualTo("is owned by uid 1001");
        assertThat(SocketPath.whyNotPrivate(lstat(Stat.S_IFDIR, 0770, 1000), uid -> uid == 1000))
                .isEqualTo("is writable by its group or others (mode 770)");
        assertThat(SocketPath.whyNotPrivate(lstat(Stat.S_IFDIR, 01777, 1000), uid -> uid == 1000))
                .isEqualTo("is writable by its group or others (mode 1777)");
    }
}

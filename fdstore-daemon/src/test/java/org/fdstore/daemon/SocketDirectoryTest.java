package org.fdstore.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of a socket directory other than the private fallback (which SocketSquatTest plays with real uids), and
 * that names in it are probed, removed and chmodded without following a link put in their place. Runs as root, as
 * the test suite does: the owner changes need it.
 */
class SocketDirectoryTest {
    static final int OTHER = 4515;

    @TempDir
    Path dir;

    private static void chmod(Path path, int mode) throws LinuxException {
        Stat.fchmodat(null, path.toString().getBytes(StandardCharsets.UTF_8), mode, 0);
    }

    @Test
    void open_directoryOthersMayWriteWithoutStickyBit_failsWithEperm() throws Exception {
        chmod(dir, 0777);
        assertThatThrownBy(() -> SocketDirectory.open(dir.resolve("s.sock"))).isInstanceOf(LinuxException.class)
                .hasMessageContaining("socket directory " + dir + ": EPERM (is writable by its group or others"
                        + " (mode 777) and not sticky")
                .satisfies(e -> assertThat(((LinuxException) e).errno()).isEqualTo(Errno.EPERM));
    }

    @Test
    void open_directoryOfAnotherUid_failsWithEperm() throws Exception {
        Files.setAttribute(dir, "unix:uid", OTHER);
        assertThatThrownBy(() -> SocketDirectory.open(dir.resolve("s.sock"))).isInstanceOf(LinuxException.class)
                .hasMessageContaining("EPERM (is owned by uid " + OTHER + ", expected a directory of uid 0 or 0");
    }

    @Test
    void open_stickyDirectoryOthersMayWrite_isAccepted() throws Exception {
        chmod(dir, 01777);
        try (SocketDirectory d = SocketDirectory.open(dir.resolve("s.sock"))) {
            assertThat(d.path()).isEqualTo(dir);
        }
    }

    @Test
    void open_missingDirectory_isCreated0755() throws Exception {
        Path missing = dir.resolve("a/b");
        try (SocketDirectory d = SocketDirectory.open(missing.resolve("s.sock"))) {
            assertThat(Files.getPosixFilePermissions(missing)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void removeStaleSocket_staleSocketIsRemoved_liveOneAndOthersRefused() throws Exception {
        try (SocketDirectory d = SocketDirectory.open(dir.resolve("s.sock"))) {
            try (Fd stale = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
                Socket.bind(stale, dir.resolve("stale.sock").toString());
            }
            d.removeStaleSocket("stale.sock", Socket.SOCK_SEQPACKET, "stop it");
            assertThat(dir.resolve("stale.sock")).doesNotExist();

            try (Fd live = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
                Socket.bind(live, dir.resolve("live.sock").toString());
                Socket.listen(live, 1);
                assertThatThrownBy(() -> d.removeStaleSocket("live.sock", Socket.SOCK_SEQPACKET, "stop it"))
                        .hasMessageContaining("EADDRINUSE");
                assertThat(dir.resolve("live.sock")).exists();
            }

            Files.writeString(dir.resolve("file"), "keep");
            assertThatThrownBy(() -> d.removeStaleSocket("file", Socket.SOCK_SEQPACKET, "stop it"))
                    .hasMessageContaining("EEXIST");
            assertThat(dir.resolve("file")).hasContent("keep");
        }
    }

    @Test
    void removeStaleSocket_linkToAStaleSocketElsewhere_isNotFollowed() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        try (Fd stale = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
            Socket.bind(stale, elsewhere.resolve("victim.sock").toString());
        }
        Files.createSymbolicLink(dir.resolve("s.sock"), elsewhere.resolve("victim.sock"));
        try (SocketDirectory d = SocketDirectory.open(dir.resolve("s.sock"))) {
            assertThatThrownBy(() -> d.removeStaleSocket("s.sock", Socket.SOCK_SEQPACKET, "stop it"))
                    .hasMessageContaining("EEXIST");
        }
        assertThat(elsewhere.resolve("victim.sock")).exists();
    }

    @Test
    void chmodSocket_linkInPlaceOfTheSocket_changesNothingElsewhere() throws Exception {
        Path target = dir.resolve("target");
        Files.writeString(target, "secret");
        chmod(target, 0600);
        Files.createSymbolicLink(dir.resolve("s.sock"), target);
        try (SocketDirectory d = SocketDirectory.open(dir.resolve("s.sock"))) {
            assertThatThrownBy(() -> d.chmodSocket("s.sock", 0666)).hasMessageContaining("EEXIST");
        }
        assertThat(Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
}

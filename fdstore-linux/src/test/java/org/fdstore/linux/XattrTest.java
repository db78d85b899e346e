package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extended attributes on real files. user.* attributes need a file system that stores them: the temporary
 * directory is used if it does (ext4 does), else a tmpfs is mounted for the test (tmpfs has them since 6.6).
 */
class XattrTest extends LeakChecked {
    @TempDir Path tmp;
    private final Arena arena = Arena.ofConfined();
    private TmpfsMount tmpfs;
    private Path dir;
    private byte[] file;

    @BeforeEach
    void pickFileSystem() throws Exception {
        dir = tmp;
        if (!storesUserXattrs(tmp)) {
            requireRoot();
            tmpfs = TmpfsMount.at(Files.createDirectory(tmp.resolve("tmpfs")), "size=4m");
            dir = tmpfs.path();
        }
        file = b(Files.writeString(dir.resolve("f"), "data").toString());
    }

    @AfterEach
    void unmount() throws Exception {
        arena.close();
        if (tmpfs != null) tmpfs.close();
    }

    private static boolean storesUserXattrs(Path dir) throws Exception {
        Path probe = Files.createFile(dir.resolve("probe"));
        try (Arena a = Arena.ofConfined()) {
            Xattr.setxattr(b(probe.toString()), b("user.probe"), a.allocate(1), 1, 0);
            return true;
        } catch (LinuxException e) {
            if (e.errno() == Errno.EOPNOTSUPP) return false;
            throw e;
        } finally {
            Files.delete(probe);
        }
    }

    @Test
    void setxattrAndGetxattr_byPath_roundTripAndSizeZeroGivesTheLength() throws Exception {
        MemorySegment value = arena.allocateFrom("hello");
        Xattr.setxattr(file, b("user.greeting"), value, 5, 0);
        assertThat(Xattr.getxattr(file, b("user.greeting"), MemorySegment.NULL, 0)).isEqualTo(5);
        MemorySegment out = arena.allocate(64);
        assertThat(Xattr.getxattr(file, b("user.greeting"), out, 64)).isEqualTo(5);
        assertThat(new String(CString.toBytes(out, 5))).isEqualTo("hello");
        assertThat(Xattr.lgetxattr(file, b("user.greeting"), out, 64)).isEqualTo(5);
    }

    @Test
    void getxattr_missingTooSmallAndUnknownNamespace_failWithEnodataErangeEopnotsupp() throws Exception {
        Xattr.setxattr(file, b("user.k"), arena.allocateFrom("12345"), 5, 0);
        LinuxException missing = failsWith(Errno.ENODATA,
                () -> Xattr.getxattr(file, b("user.none"), arena.allocate(8), 8));
        assertThat(missing)
                .hasMessage("getxattr(\"" + new String(file) + "\", \"user.none\"): ENODATA (No data available)");
        failsWith(Errno.ERANGE, () -> Xattr.getxattr(file, b("user.k"), arena.allocate(2), 2));
        failsWith(Errno.EOPNOTSUPP, () -> Xattr.setxattr(file, b("bogus.k"), arena.allocate(1), 1, 0));
        failsWith(Errno.ENOENT, () -> Xattr.getxattr(b(dir.resolve("none").toString()), b("user.k"),
                MemorySegment.NULL, 0));
    }

    @Test
    void setxattr_createAndReplaceFlags_failWithEexistAndEnodata() throws Exception {
        MemorySegment v = arena.allocateFrom("v");
        failsWith(Errno.ENODATA, () -> Xattr.setxattr(file, b("user.k"), v, 1, Xattr.XATTR_REPLACE));
        Xattr.setxattr(file, b("user.k"), v, 1, Xattr.XATTR_CREATE);
        failsWith(Errno.EEXIST, () -> Xattr.setxattr(file, b("user.k"), v, 1, Xattr.XATTR_CREATE));
        Xattr.setxattr(file, b("user.k"), arena.allocateFrom("w"), 1, Xattr.XATTR_REPLACE);
        Xattr.setxattr(file, b("user.empty"), MemorySegment.NULL, 0, 0);
        assertThat(Xattr.getxattr(file, b("user.empty"), arena.allocate(4), 4)).isZero();
    }

    @Test
    void listxattrAndRemovexattr_byPath_listNamesAndRemoveThem() throws Exception {
        byte[] odd = {'u', 's', 'e', 'r', '.', (byte) 0xff, (byte) 0xfe};
        Xattr.setxattr(file, b("user.a"), arena.allocateFrom("1"), 1, 0);
        Xattr.setxattr(file, odd, arena.allocateFrom("2"), 1, 0);
        long size = Xattr.listxattr(file, MemorySegment.NULL, 0);
        assertThat(size).isEqualTo("user.a".length() + 1 + odd.length + 1);
        MemorySegment list = arena.allocate(size);
        assertThat(Xattr.listxattr(file, list, size)).isEqualTo(size);
        assertThat(Xattr.names(list, size)).containsExactlyInAnyOrder(b("user.a"), odd);
        failsWith(Errno.ERANGE, () -> Xattr.listxattr(file, list, 3));
        assertThat(Xattr.llistxattr(file, list, size)).isEqualTo(size);
        Xattr.removexattr(file, odd);
        Xattr.lremovexattr(file, b("user.a"));
        assertThat(Xattr.listxattr(file, list, size)).isZero();
        failsWith(Errno.ENODATA, () -> Xattr.removexattr(file, b("user.a")));
    }

    @Test
    void fdCalls_onOpenFd_workAndOnOpathFdFailWithEbadf() throws Exception {
        try (Fd f = Fcntl.openat(null, file, Fcntl.O_RDONLY, 0); Fd p = Fcntl.openat(null, file, Fcntl.O_PATH, 0)) {
            Xattr.fsetxattr(f, b("user.fd"), arena.allocateFrom("xyz"), 3, 0);
            MemorySegment out = arena.allocate(16);
            assertThat(Xattr.fgetxattr(f, b("user.fd"), out, 16)).isEqualTo(3);
            assertThat(Xattr.fgetxattr(f, b("user.fd"), MemorySegment.NULL, 0)).isEqualTo(3);
            assertThat(Xattr.names(out, Xattr.flistxattr(f, out, 16))).containsExactly(b("user.fd"));
            failsWith(Errno.ERANGE, () -> Xattr.fgetxattr(f, b("user.fd"), out, 1));
            Xattr.fremovexattr(f, b("user.fd"));
            failsWith(Errno.ENODATA, () -> Xattr.fgetxattr(f, b("user.fd"), out, 16));
            failsWith(Errno.ENODATA, () -> Xattr.fremovexattr(f, b("user.fd")));
            failsWith(Errno.EBADF, () -> Xattr.fgetxattr(p, b("user.fd"), out, 16));
            failsWith(Errno.EBADF, () -> Xattr.fsetxattr(p, b("user.fd"), out, 1, 0));
            failsWith(Errno.EBADF, () -> Xattr.flistxattr(p, out, 16));
        }
    }

    @Test
    void pathCalls_onProcSelfFdOfOpathFd_reachTheInode() throws Exception {
        try (Fd p = Fcntl.openat(null, file, Fcntl.O_PATH, 0)) {
            Proc.withFdPath(p, path -> {
                Xattr.setxattr(path, b("user.via"), arena.allocateFrom("proc"), 4, 0);
                return null;
            });
            assertThat(Xattr.getxattr(file, b("user.via"), arena.allocate(8), 8)).isEqualTo(4);
            long n = Proc.withFdPath(p, path -> Xattr.getxattr(path, b("user.via"), MemorySegment.NULL, 0));
            assertThat(n).isEqualTo(4);
        }
    }

    @Test
    void symlinks_userXattrIsEpermButTrustedReachableThroughProcSelfFd() throws Exception {
        requireRoot();
        byte[] link = b(dir.resolve("link").toString());
        Unistd.symlinkat(b("f"), null, link);
        failsWith(Errno.EPERM, () -> Xattr.lsetxattr(link, b("user.k"), arena.allocateFrom("v"), 1, 0));
        failsWith(Errno.ENODATA, () -> Xattr.lgetxattr(link, b("trusted.k"), MemorySegment.NULL, 0));
        Xattr.lsetxattr(link, b("trusted.k"), arena.allocateFrom("L"), 1, 0);
        failsWith(Errno.ENODATA, () -> Xattr.getxattr(link, b("trusted.k"), MemorySegment.NULL, 0));
        try (Fd l = Fcntl.openat(null, link, Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0)) {
            long n = Proc.withFdPath(l, path -> Xattr.getxattr(path, b("trusted.k"), MemorySegment.NULL, 0));
            assertThat(n).isEqualTo(1);
        }
        Xattr.lremovexattr(link, b("trusted.k"));
    }

    @Test
    void setxattr_onTmpfs_roundTrips() throws Exception {
        requireRoot();
        try (TmpfsMount m = TmpfsMount.at(Files.createDirectory(tmp.resolve("own-tmpfs")), "size=1m")) {
            byte[] f = b(Files.writeString(m.path().resolve("g"), "x").toString());
            Xattr.setxattr(f, b("user.t"), arena.allocateFrom("tmpfs"), 5, 0);
            MemorySegment out = arena.allocate(8);
            assertThat(Xattr.getxattr(f, b("user.t"), out, 8)).isEqualTo(5);
            assertThat(new String(CString.toBytes(out, 5))).isEqualTo("tmpfs");
        }
    }
}

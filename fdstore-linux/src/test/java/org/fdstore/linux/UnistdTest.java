package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.security.auth.module.UnixSystem;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnistdTest extends LeakChecked {
    @TempDir Path dir;
    private final Arena arena = Arena.ofConfined();
    private Fd d;

    @BeforeEach
    void openDir() throws Exception {
        Files.writeString(dir.resolve("f"), "0123456789");
        d = Fcntl.open(dir.toString(), Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0);
    }

    @AfterEach
    void closeDir() {
        d.close();
        arena.close();
    }

    @Test
    void pread_intoHeapMemory_isRefusedBeforeTheCall() throws Exception {
        // pread goes through syscall(2), which takes the buffer as an address: a heap segment has none to give.
        try (Fd f = Fcntl.openat(d, "f", Fcntl.O_RDONLY, 0)) {
            assertThatThrownBy(() -> Unistd.pread(f, MemorySegment.ofArray(new byte[16]), 16, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("native memory");
            assertThat(Unistd.lseek(f, 0, Unistd.SEEK_CUR)).isZero();
        }
    }

    @Test
    void pwrite_atOffset_leavesFileOffsetAndReadOnlyFdFailsWithEbadf() throws Exception {
        try (Fd f = Fcntl.openat(d, "f", Fcntl.O_RDWR, 0)) {
            assertThat(Unistd.pwrite(f, arena.allocateFrom("ab"), 2, 3)).isEqualTo(2);
            assertThat(Unistd.lseek(f, 0, Unistd.SEEK_CUR)).isZero();
            MemorySegment buf = arena.allocate(16);
            assertThat(Unistd.pread(f, buf, 16, 0)).isEqualTo(10);
            assertThat(new String(CString.toBytes(buf, 10))).isEqualTo("012ab56789");
        }
        try (Fd ro = Fcntl.openat(d, "f", Fcntl.O_RDONLY, 0)) {
            failsWith(Errno.EBADF, () -> Unistd.pwrite(ro, arena.allocate(1), 1, 0));
        }
    }

    @Test
    void ftruncateAndTruncate_setTheSize_missingPathFailsWithEnoent() throws Exception {
        try (Fd f = Fcntl.openat(d, "f", Fcntl.O_RDWR, 0)) {
            Unistd.ftruncate(f, 4);
            assertThat(Files.size(dir.resolve("f"))).isEqualTo(4);
            failsWith(Errno.EINVAL, () -> Unistd.ftruncate(f, -1));
        }
        Unistd.truncate(b(dir.resolve("f").toString()), 7);
        assertThat(Files.size(dir.resolve("f"))).isEqualTo(7);
        failsWith(Errno.ENOENT, () -> Unistd.truncate(b(dir.resolve("none").toString()), 0));
    }

    @Test
    void truncate_throughProcSelfFdOfOpathFd_setsTheSize() throws Exception {
        try (Fd p = Fcntl.openat(d, "f", Fcntl.O_PATH, 0)) {
            failsWith(Errno.EBADF, () -> Unistd.ftruncate(p, 0));
            Proc.withFdPath(p, path -> {
                Unistd.truncate(path, 2);
                return null;
            });
            assertThat(Stat.fstat(p).size()).isEqualTo(2);
        }
    }

    @Test
    void fsyncAndFdatasync_onOpenFd_succeedAndOnOpathFdFailWithEbadf() throws Exception {
        try (Fd f = Fcntl.openat(d, "f", Fcntl.O_WRONLY, 0); Fd p = Fcntl.openat(d, "f", Fcntl.O_PATH, 0)) {
            Unistd.fsync(f);
            Unistd.fdatasync(f);
            failsWith(Errno.EBADF, () -> Unistd.fsync(p));
            failsWith(Errno.EBADF, () -> Unistd.fdatasync(p));
        }
    }

    @Test
    void unlinkat_filesAndDirectories_removeAsFlagsSay() throws Exception {
        Files.createDirectories(dir.resolve("full/x"));
        Files.createDirectory(dir.resolve("empty"));
        Unistd.unlinkat(d, b("f"), 0);
        assertThat(dir.resolve("f")).doesNotExist();
        failsWith(Errno.ENOENT, () -> Unistd.unlinkat(d, b("f"), 0));
        failsWith(Errno.EISDIR, () -> Unistd.unlinkat(d, b("empty"), 0));
        failsWith(Errno.ENOTEMPTY, () -> Unistd.unlinkat(d, b("full"), Fcntl.AT_REMOVEDIR));
        Unistd.unlinkat(d, b("empty"), Fcntl.AT_REMOVEDIR);
        assertThat(dir.resolve("empty")).doesNotExist();
    }

    @Test
    void linkat_newName_sharesTheInodeAndExistingFailsWithEexist() throws Exception {
        Unistd.linkat(d, b("f"), d, b("g"), 0);
        assertThat(Stat.fstatat(d, "f", 0).nlink()).isEqualTo(2);
        assertThat(Stat.fstatat(d, "g", 0).ino()).isEqualTo(Stat.fstatat(d, "f", 0).ino());
        LinuxException e = failsWith(Errno.EEXIST, () -> Unistd.linkat(d, b("f"), d, b("g"), 0));
        assertThat(e).hasMessageStartingWith("linkat(fd " + d.number() + ", \"f\", fd " + d.number() + ", \"g\")");
    }

    @Test
    void linkat_fromProcSelfFdWithSymlinkFollow_linksTheOpathInode() throws Exception {
        try (Fd p = Fcntl.openat(d, "f", Fcntl.O_PATH, 0)) {
            Proc.withFdPath(p, path -> {
                // Without AT_SYMLINK_FOLLOW the magic link itself would be linked: it lives on /proc.
                failsWith(Errno.EXDEV, () -> Unistd.linkat(null, path, d, b("again"), 0));
                Unistd.linkat(null, path, d, b("again"), Fcntl.AT_SYMLINK_FOLLOW);
                return null;
            });
            assertThat(Files.readString(dir.resolve("again"))).isEqualTo("0123456789");
            assertThat(Stat.fstat(p).nlink()).isEqualTo(2);
            // An inode whose last name is gone cannot get one back (only O_TMPFILE files can).
            Unistd.unlinkat(d, b("f"), 0);
            Unistd.unlinkat(d, b("again"), 0);
            Proc.withFdPath(p, path -> failsWith(Errno.ENOENT,
                    () -> Unistd.linkat(null, path, d, b("third"), Fcntl.AT_SYMLINK_FOLLOW)));
        }
    }

    @Test
    void symlinkatAndReadlinkat_nonUtf8Target_roundTripsBytes() throws Exception {
        byte[] target = {'t', (byte) 0xff, (byte) 0xfe, '/', 'x'};
        Unistd.symlinkat(target, d, b("link"));
        assertThat(Unistd.readlinkat(d, b("link"))).isEqualTo(target);
        assertThat(Stat.fstatat(d, "link", Fcntl.AT_SYMLINK_NOFOLLOW).size()).isEqualTo(target.length);
        failsWith(Errno.EEXIST, () -> Unistd.symlinkat(target, d, b("link")));
        failsWith(Errno.EINVAL, () -> Unistd.readlinkat(d, b("f")));
    }

    @Test
    void readlinkat_emptyNameOnOpathNofollowSymlinkFd_readsTheLink() throws Exception {
        byte[] longTarget = new byte[4095];
        Arrays.fill(longTarget, (byte) 'a');
        for (int i = 200; i < longTarget.length; i += 200) longTarget[i] = '/';
        Unistd.symlinkat(b("f"), d, b("link"));
        Unistd.symlinkat(longTarget, d, b("long"));
        try (Fd link = Fcntl.openat(d, "link", Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0);
             Fd lng = Fcntl.openat(d, "long", Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0);
             Fd file = Fcntl.openat(d, "f", Fcntl.O_PATH, 0)) {
            assertThat(Unistd.readlinkat(link, new byte[0])).isEqualTo(b("f"));
            assertThat(Unistd.readlinkat(lng, new byte[0])).isEqualTo(longTarget);
            // The kernel says ENOENT, not EINVAL, when an empty name points at something other than a link.
            failsWith(Errno.ENOENT, () -> Unistd.readlinkat(file, new byte[0]));
        }
    }

    @Test
    void fchownat_emptyPathOnOpathFd_changesOwnerAndNofollowChangesTheLink() throws Exception {
        requireRoot();
        Unistd.symlinkat(b("f"), d, b("link"));
        try (Fd p = Fcntl.openat(d, "f", Fcntl.O_PATH, 0);
             Fd link = Fcntl.openat(d, "link", Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0)) {
            Unistd.fchownat(p, new byte[0], 65534, 65533, Fcntl.AT_EMPTY_PATH);
            assertThat(Stat.fstat(p).uid()).isEqualTo(65534);
            assertThat(Stat.fstat(p).gid()).isEqualTo(65533);
            Unistd.fchownat(p, new byte[0], -1, 0, Fcntl.AT_EMPTY_PATH);
            assertThat(Stat.fstat(p).uid()).isEqualTo(65534);
            assertThat(Stat.fstat(p).gid()).isZero();
            Unistd.fchownat(link, new byte[0], 1234, 1234, Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW);
            assertThat(Files.getAttribute(dir.resolve("link"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1234);
            assertThat(Stat.fstat(p).uid()).isEqualTo(65534);
            failsWith(Errno.ENOENT, () -> Unistd.fchownat(d, b("none"), 0, 0, 0));
        }
    }

    @Test
    void faccessat_existingAndMissingAndNotExecutable() throws Exception {
        Unistd.faccessat(d, b("f"), Unistd.F_OK, 0);
        Unistd.faccessat(d, b("f"), Unistd.R_OK | Unistd.W_OK, Fcntl.AT_EACCESS);
        failsWith(Errno.ENOENT, () -> Unistd.faccessat(d, b("none"), Unistd.F_OK, 0));
        Stat.fchmodat(d, b("f"), 0600, 0);
        // Not even root may execute a file without any x bit.
        failsWith(Errno.EACCES, () -> Unistd.faccessat(d, b("f"), Unistd.X_OK, Fcntl.AT_EACCESS));
        try (Fd p = Fcntl.openat(d, "f", Fcntl.O_PATH, 0)) {
            Unistd.faccessat(p, new byte[0], Unistd.R_OK, Fcntl.AT_EMPTY_PATH);
        }
    }

    @Test
    void copyFileRange_withOffsetsAndFileOffsets_copiesInTheKernel() throws Exception {
        try (Fd in = Fcntl.openat(d, "f", Fcntl.O_RDONLY, 0);
             Fd out = Fcntl.openat(d, "g", Fcntl.O_RDWR | Fcntl.O_CREAT, 0600)) {
            assertThat(Unistd.copy_file_range(in, 2, out, 100, 3, 0)).isEqualTo(3);
            assertThat(Unistd.lseek(in, 0, Unistd.SEEK_CUR)).isZero();
            assertThat(Stat.fstat(out).size()).isEqualTo(103);
            assertThat(Unistd.copy_file_range(in, -1, out, -1, 4, 0)).isEqualTo(4);
            assertThat(Unistd.lseek(in, 0, Unistd.SEEK_CUR)).isEqualTo(4);
            assertThat(Unistd.lseek(out, 0, Unistd.SEEK_CUR)).isEqualTo(4);
            assertThat(Unistd.copy_file_range(in, 10, out, 0, 4, 0)).isZero();
            byte[] content = Files.readAllBytes(dir.resolve("g"));
            assertThat(new String(content, 0, 4)).isEqualTo("0123");
            assertThat(new String(content, 100, 3)).isEqualTo("234");
        }
        try (Fd p = Fcntl.openat(d, "f", Fcntl.O_PATH, 0); Fd out = Fcntl.openat(d, "g", Fcntl.O_WRONLY, 0)) {
            failsWith(Errno.EBADF, () -> Unistd.copy_file_range(p, 0, out, 0, 1, 0));
        }
    }

    @Test
    void lseek_seekDataAndSeekHole_findTheSparseParts() throws Exception {
        try (Fd f = Fcntl.openat(d, "sparse", Fcntl.O_RDWR | Fcntl.O_CREAT, 0600)) {
            Unistd.pwrite(f, arena.allocate(4096).fill((byte) 1), 4096, 1 << 20);
            assertThat(Unistd.lseek(f, 0, Unistd.SEEK_DATA)).isEqualTo(1 << 20);
            assertThat(Unistd.lseek(f, 0, Unistd.SEEK_HOLE)).isZero();
            assertThat(Unistd.lseek(f, 1 << 20, Unistd.SEEK_HOLE)).isEqualTo((1 << 20) + 4096);
            failsWith(Errno.ENXIO, () -> Unistd.lseek(f, (1 << 20) + 4096, Unistd.SEEK_DATA));
        }
    }

    @Test
    void ids_matchTheJdksView() {
        UnixSystem unix = new UnixSystem();
        assertThat(Unistd.getuid()).isEqualTo((int) unix.getUid());
        assertThat(Unistd.getgid()).isEqualTo((int) unix.getGid());
        assertThat(Unistd.geteuid()).isEqualTo(Unistd.getuid());
        assertThat(Unistd.getegid()).isEqualTo(Unistd.getgid());
    }
}

package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatTest extends LeakChecked {
    @TempDir Path dir;
    private Path file;

    @BeforeEach
    void files() throws Exception {
        file = Files.writeString(dir.resolve("f"), "hello");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("f"));
    }

    @Test
    void fstatNoSync_agreesWithFstat_onALocalFile() throws Exception {
        Path nosync = Files.writeString(dir.resolve("nosync"), "twelve bytes");
        try (Fd f = Fcntl.open(nosync.toString(), Fcntl.O_RDONLY, 0)) {
            FileStat expected = Stat.fstat(f);
            FileStat cached = Stat.fstatNoSync(f);
            assertThat(cached).isEqualTo(expected);
            assertThat(Stat.deviceOf(f)).isEqualTo(expected.dev());
        }
    }

    @Test
    void fstatNoSync_devNull_givesItsDeviceNumber() throws Exception {
        try (Fd f = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            FileStat st = Stat.fstatNoSync(f);
            assertThat(st.type()).isEqualTo(Stat.S_IFCHR);
            assertThat(st.rdevMajor()).isEqualTo(1);
            assertThat(st.rdevMinor()).isEqualTo(3);
        }
    }

    @Test
    void fstat_regularFile_fillsEveryField() throws Exception {
        Instant mtime = Instant.ofEpochSecond(1_700_000_000L, 123_456_789L);
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        try (Fd f = Fcntl.open(file.toString(), Fcntl.O_RDONLY, 0)) {
            FileStat st = Stat.fstat(f);
            assertThat(st.type()).isEqualTo(Stat.S_IFREG);
            assertThat(st.ino()).isEqualTo(Files.getAttribute(file, "unix:ino"));
            assertThat(st.dev()).isEqualTo(Files.getAttribute(file, "unix:dev"));
            assertThat(st.nlink()).isEqualTo(1);
            assertThat(st.size()).isEqualTo(5);
            assertThat(st.blksize()).isPositive();
            assertThat(st.blocks()).isPositive();
            assertThat(st.mtime()).isEqualTo(new Timespec(1_700_000_000L, 123_456_789L));
            assertThat(st.ctime().sec()).isGreaterThan(1_700_000_000L);
            Instant atime = ((FileTime) Files.getAttribute(file, "lastAccessTime")).toInstant();
            assertThat(st.atime()).isEqualTo(new Timespec(atime.getEpochSecond(), atime.getNano()));
            assertThat(st.uid()).isEqualTo(Files.getAttribute(file, "unix:uid"));
            assertThat(st.permissions()).isEqualTo((int) Files.getAttribute(file, "unix:mode") & 07777);
        }
    }

    @Test
    void fstatat_emptyPathOnOpathSymlinkFd_reportsTheLink() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0);
             Fd link = Fcntl.openat(d, "link", Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0)) {
            FileStat st = Stat.fstatat(link, new byte[0], Fcntl.AT_EMPTY_PATH);
            assertThat(st.type()).isEqualTo(Stat.S_IFLNK);
            assertThat(st.ino())
                    .isEqualTo(Files.getAttribute(dir.resolve("link"), "unix:ino", LinkOption.NOFOLLOW_LINKS));
            assertThat(st.size()).isEqualTo(1);
            assertThat(Stat.fstatat(d, "link", Fcntl.AT_SYMLINK_NOFOLLOW).ino()).isEqualTo(st.ino());
            assertThat(Stat.fstatat(d, "link", 0).type()).isEqualTo(Stat.S_IFREG);
            failsWith(Errno.ENOENT, () -> Stat.fstatat(link, new byte[0], 0));
        }
    }

    @Test
    void fstatat_missingName_failsWithEnoentNamingIt() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            assertThat(failsWith(Errno.ENOENT, () -> Stat.fstatat(d, "none", 0)))
                    .hasMessage("fstatat(fd " + d.number() + ", \"none\"): ENOENT (No such file or directory)");
        }
        failsWith(Errno.ENOENT, () -> Stat.fstatat(null, "surely-not-here-" + ProcessHandle.current().pid(), 0));
    }

    @Test
    void mkdirat_newName_createsDirectoryAndExistingFailsWithEexist() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            Stat.mkdirat(d, b("sub"), 0700);
            FileStat st = Stat.fstatat(d, "sub", 0);
            assertThat(st.type()).isEqualTo(Stat.S_IFDIR);
            assertThat(st.permissions()).isEqualTo(0700);
            failsWith(Errno.EEXIST, () -> Stat.mkdirat(d, b("sub"), 0700));
        }
    }

    @Test
    void mknodat_fifoAndDevice_haveTypeAndDeviceNumber() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            Stat.mknodat(d, b("fifo"), Stat.S_IFIFO | 0600, 0);
            assertThat(Stat.fstatat(d, "fifo", 0).type()).isEqualTo(Stat.S_IFIFO);
            Stat.mknodat(d, b("plain"), Stat.S_IFREG | 0600, 0);
            assertThat(Stat.fstatat(d, "plain", 0).type()).isEqualTo(Stat.S_IFREG);
            failsWith(Errno.EEXIST, () -> Stat.mknodat(d, b("fifo"), Stat.S_IFIFO | 0600, 0));
            if (Unistd.geteuid() == 0) {
                Stat.mknodat(d, b("null"), Stat.S_IFCHR | 0600, Stat.makedev(1, 3));
                FileStat dev = Stat.fstatat(d, "null", 0);
                assertThat(dev.type()).isEqualTo(Stat.S_IFCHR);
                assertThat(dev.rdevMajor()).isEqualTo(1);
                assertThat(dev.rdevMinor()).isEqualTo(3);
            }
        }
    }

    @Test
    void makedev_largeNumbers_roundTripThroughMajorAndMinor() {
        long dev = Stat.makedev(0x12345, 0x6789a);
        FileStat st = new FileStat(0, 0, 0, 0, 0, 0, dev, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(st.rdevMajor()).isEqualTo(0x12345);
        assertThat(st.rdevMinor()).isEqualTo(0x6789a);
        assertThat(Stat.makedev(1, 3)).isEqualTo(0x103);
    }

    @Test
    void fchmod_onOpenFdChangesMode_onOpathFdFailsWithEbadf() throws Exception {
        try (Fd f = Fcntl.open(file.toString(), Fcntl.O_RDONLY, 0);
             Fd p = Fcntl.open(file.toString(), Fcntl.O_PATH, 0)) {
            Stat.fchmod(f, 0604);
            assertThat(Stat.fstat(f).permissions()).isEqualTo(0604);
            failsWith(Errno.EBADF, () -> Stat.fchmod(p, 0600));
        }
    }

    @Test
    void chmodProcSelfFd_onOpathFd_changesModeAndOnSymlinkFailsWithEopnotsupp() throws Exception {
        try (Fd p = Fcntl.open(file.toString(), Fcntl.O_PATH, 0);
             Fd link = Fcntl.open(dir.resolve("link").toString(), Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0)) {
            Stat.chmodProcSelfFd(p, 0640);
            assertThat(Stat.fstat(p).permissions()).isEqualTo(0640);
            failsWith(Errno.EOPNOTSUPP, () -> Stat.chmodProcSelfFd(link, 0600));
            Fd closed = Fcntl.open(file.toString(), Fcntl.O_PATH, 0);
            closed.close();
            failsWith(Errno.EBADF, () -> Stat.chmodProcSelfFd(closed, 0600));
        }
    }

    @Test
    void fchmodat_nofollow_changesFileButFailsOnSymlinkWithEopnotsupp() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            Stat.fchmodat(d, b("f"), 0620, Fcntl.AT_SYMLINK_NOFOLLOW);
            assertThat(Stat.fstatat(d, "f", 0).permissions()).isEqualTo(0620);
            Stat.fchmodat(d, b("link"), 0600, 0);
            assertThat(Stat.fstatat(d, "f", 0).permissions()).isEqualTo(0600);
            failsWith(Errno.EOPNOTSUPP, () -> Stat.fchmodat(d, b("link"), 0600, Fcntl.AT_SYMLINK_NOFOLLOW));
        }
    }

    @Test
    void utimensat_explicitTimesAndOmit_setThoseNanoseconds() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            Stat.utimensat(d, b("f"), new Timespec[] {new Timespec(1000, 1), new Timespec(2000, 999_999_999)}, 0);
            FileStat st = Stat.fstatat(d, "f", 0);
            assertThat(st.atime()).isEqualTo(new Timespec(1000, 1));
            assertThat(st.mtime()).isEqualTo(new Timespec(2000, 999_999_999));
            Stat.utimensat(d, b("f"), new Timespec[] {Timespec.OMIT, new Timespec(3000, 0)}, 0);
            st = Stat.fstatat(d, "f", 0);
            assertThat(st.atime()).isEqualTo(new Timespec(1000, 1));
            assertThat(st.mtime()).isEqualTo(new Timespec(3000, 0));
            failsWith(Errno.EINVAL, () -> Stat.utimensat(d, b("f"),
                    new Timespec[] {new Timespec(0, 2_000_000_000L), Timespec.OMIT}, 0));
            failsWith(Errno.ENOENT, () -> Stat.utimensat(d, b("none"), null, 0));
            assertThatThrownBy(() -> Stat.utimensat(d, b("f"), new Timespec[1], 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void utimensat_nullTimesAndNow_setTheCurrentTime() throws Exception {
        long before = Instant.now().getEpochSecond() - 1;
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            Stat.utimensat(d, b("f"), new Timespec[] {new Timespec(1, 0), new Timespec(1, 0)}, 0);
            Stat.utimensat(d, b("f"), null, 0);
            assertThat(Stat.fstatat(d, "f", 0).mtimeSec()).isGreaterThanOrEqualTo(before);
            Stat.utimensat(d, b("f"), new Timespec[] {new Timespec(1, 0), new Timespec(1, 0)}, 0);
            Stat.utimensat(d, b("f"), new Timespec[] {Timespec.NOW, Timespec.OMIT}, 0);
            FileStat st = Stat.fstatat(d, "f", 0);
            assertThat(st.atimeSec()).isGreaterThanOrEqualTo(before);
            assertThat(st.mtimeSec()).isEqualTo(1);
        }
    }

    @Test
    void utimensat_emptyPathOnOpathFds_setsFileAndLinkTimes() throws Exception {
        try (Fd p = Fcntl.open(file.toString(), Fcntl.O_PATH, 0);
             Fd link = Fcntl.open(dir.resolve("link").toString(), Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0)) {
            Timespec[] t = {new Timespec(11, 0), new Timespec(12, 0)};
            Stat.utimensat(p, new byte[0], t, Fcntl.AT_EMPTY_PATH);
            assertThat(Stat.fstat(p).mtime()).isEqualTo(new Timespec(12, 0));
            Timespec[] u = {new Timespec(21, 0), new Timespec(22, 0)};
            Stat.utimensat(link, new byte[0], u, Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW);
            assertThat(Stat.fstat(link).mtime()).isEqualTo(new Timespec(22, 0));
            assertThat(Stat.fstat(p).mtime()).isEqualTo(new Timespec(12, 0));
        }
    }

    @Test
    void futimens_onOpenFdSetsTimes_onOpathFdFailsWithEbadf() throws Exception {
        try (Fd f = Fcntl.open(file.toString(), Fcntl.O_RDWR, 0);
             Fd p = Fcntl.open(file.toString(), Fcntl.O_PATH, 0)) {
            Stat.futimens(f, new Timespec[] {new Timespec(5, 6), new Timespec(7, 8)});
            assertThat(Stat.fstat(f).mtime()).isEqualTo(new Timespec(7, 8));
            failsWith(Errno.EBADF, () -> Stat.futimens(p, null));
        }
    }

    @Test
    void fstat_afterWrite_countsBlocks() throws Exception {
        try (Fd f = Fcntl.open(dir.resolve("big").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0600);
             Arena arena = Arena.ofConfined()) {
            Unistd.pwrite(f, arena.allocate(65536), 65536, 0);
            Unistd.fsync(f);
            assertThat(Stat.fstat(f).blocks()).isGreaterThanOrEqualTo(128);
        }
    }
}

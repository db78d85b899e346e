package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FcntlTest extends LeakChecked {
    @TempDir Path dir;

    @Test
    void openat_createRelativeToDirFd_createsFileInThatDir() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0);
             Fd f = Fcntl.openat(d, b("new"), Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_EXCL, 0640);
             Arena arena = Arena.ofConfined()) {
            Unistd.write(f, arena.allocateFrom("abc"), 3);
            assertThat(Files.readString(dir.resolve("new"))).isEqualTo("abc");
            assertThat(Fcntl.getDescriptorFlags(f) & 1).as("FD_CLOEXEC").isEqualTo(1);
        }
    }

    @Test
    void openat_existingWithExcl_failsWithEexistNamingDirNameAndFlags() throws Exception {
        Files.writeString(dir.resolve("old"), "x");
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0)) {
            LinuxException e = failsWith(Errno.EEXIST,
                    () -> Fcntl.openat(d, "old", Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_EXCL, 0600));
            assertThat(e).hasMessage("openat(fd " + d.number()
                    + ", \"old\", O_WRONLY|O_CREAT|O_EXCL): EEXIST (File exists)");
        }
    }

    @Test
    void openat_nullDir_resolvesAgainstTheWorkingDirectory() throws Exception {
        try (Fd cwd = Fcntl.openat(null, b("."), Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0)) {
            assertThat(Stat.fstat(cwd).ino()).isEqualTo(Files.getAttribute(Path.of("."), "unix:ino"));
        }
        failsWith(Errno.ENOENT, () -> Fcntl.openat(null, b(dir.resolve("none").toString()), Fcntl.O_RDONLY, 0));
    }

    @Test
    void openat_nonUtf8Name_roundTripsTheExactBytes() throws Exception {
        byte[] name = {'n', (byte) 0xff, (byte) 0xfe, '.', 'x'};
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0)) {
            try (Fd f = Fcntl.openat(d, name, Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_EXCL, 0600)) {
                assertThat(Stat.fstatat(d, name, 0).ino()).isEqualTo(Stat.fstat(f).ino());
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(4096);
                    assertThat(Dirents.read(d, buf)).extracting(Dirent::name).contains(name);
                }
            } finally {
                // Java's own file API may not map these bytes back: remove the file by its bytes.
                Unistd.unlinkat(d, name, 0);
            }
            failsWith(Errno.ENOENT, () -> Stat.fstatat(d, name, 0));
        }
    }

    @Test
    void openat_nameWithNul_failsWithEinvalBeforeTheCall() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            LinuxException e =
                    failsWith(Errno.EINVAL, () -> Fcntl.openat(d, new byte[] {'a', 0, 'b'}, Fcntl.O_RDONLY, 0));
            assertThat(e).hasMessageContaining("\"a\\x00b\"").hasMessageContaining("NUL");
        }
    }

    @Test
    void openat_pathNofollowOnSymlink_givesTheLinkItself() throws Exception {
        Files.createSymbolicLink(dir.resolve("link"), Path.of("missing-target"));
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0);
             Fd link = Fcntl.openat(d, "link", Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0)) {
            assertThat(Stat.fstat(link).type()).isEqualTo(Stat.S_IFLNK);
            failsWith(Errno.ENOENT, () -> Fcntl.openat(d, "link", Fcntl.O_PATH, 0));
            failsWith(Errno.ELOOP, () -> Fcntl.openat(d, "link", Fcntl.O_RDONLY | Fcntl.O_NOFOLLOW, 0));
        }
    }

    @Test
    void openat_tmpfile_isUnnamedUntilLinked() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0);
             Fd tmp = Fcntl.openat(d, ".", Fcntl.O_TMPFILE | Fcntl.O_RDWR, 0600);
             Arena arena = Arena.ofConfined()) {
            Unistd.write(tmp, arena.allocateFrom("tmp"), 3);
            assertThat(Stat.fstat(tmp).nlink()).isZero();
            Proc.withFdPath(tmp, path -> {
                Unistd.linkat(null, path, d, b("linked"), Fcntl.AT_SYMLINK_FOLLOW);
                return null;
            });
            assertThat(Files.readString(dir.resolve("linked"))).isEqualTo("tmp");
            assertThat(Stat.fstat(tmp).nlink()).isEqualTo(1);
        }
    }

    @Test
    void fallocate_allocatesAndPunchesHoles() throws Exception {
        try (Fd f = Fcntl.open(dir.resolve("f").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0600)) {
            Fcntl.fallocate(f, 0, 0, 1 << 20);
            assertThat(Stat.fstat(f).size()).isEqualTo(1 << 20);
            assertThat(Stat.fstat(f).blocks() * 512).isGreaterThanOrEqualTo(1 << 20);
            Fcntl.fallocate(f, Fcntl.FALLOC_FL_PUNCH_HOLE | Fcntl.FALLOC_FL_KEEP_SIZE, 0, 1 << 20);
            assertThat(Stat.fstat(f).size()).isEqualTo(1 << 20);
            assertThat(Stat.fstat(f).blocks()).isZero();
            failsWith(Errno.EINVAL, () -> Fcntl.fallocate(f, 0, 0, 0));
        }
        try (Fd ro = Fcntl.open(dir.resolve("f").toString(), Fcntl.O_RDONLY, 0)) {
            LinuxException e = failsWith(Errno.EBADF, () -> Fcntl.fallocate(ro, 0, 0, 4096));
            assertThat(e).hasMessageStartingWith("fallocate(fd " + ro.number() + ", mode 0, 0, 4096)");
        }
    }
}

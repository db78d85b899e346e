package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * name_to_handle_at and open_by_handle_at on ext4 (the temporary directory here) and tmpfs (/dev/shm), including
 * what a handle gives once its name is gone: the passthrough file system relies on these outcomes.
 */
class FileHandlesTest extends LeakChecked {
    @TempDir Path ext4;
    private Path tmpfs;

    @BeforeEach
    void dirs() throws IOException {
        requireRoot();   // open_by_handle_at needs CAP_DAC_READ_SEARCH.
        tmpfs = Files.createTempDirectory(Path.of("/dev/shm"), "fdstore-handles-");
    }

    @AfterEach
    void removeTmpfs() throws IOException {
        if (tmpfs == null) return;
        try (Stream<Path> all = Files.walk(tmpfs)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private Path root(String fs) {
        return fs.equals("ext4") ? ext4 : tmpfs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "tmpfs"})
    void openByHandle_ofAFile_opensTheSameInode(String fs) throws Exception {
        Files.writeString(root(fs).resolve("f"), "hello");
        try (Fd dir = Fcntl.open(root(fs).toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0)) {
            FileHandle handle = FileHandles.name_to_handle_at(dir, b("f"), 0);
            assertThat(handle.length()).isBetween(1, FileHandles.MAX_HANDLE_SZ);
            try (Fd opened = FileHandles.open_by_handle_at(dir, handle, Fcntl.O_PATH);
                 Fd byName = Fcntl.openat(dir, "f", Fcntl.O_PATH, 0)) {
                assertThat(Stat.fstatat(opened, new byte[0], Fcntl.AT_EMPTY_PATH).ino())
                        .isEqualTo(Stat.fstat(byName).ino());
                assertThat(FileHandles.name_to_handle_at(byName, new byte[0], Fcntl.AT_EMPTY_PATH)).isEqualTo(handle);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "tmpfs"})
    void openByHandle_ofAnOpathSymlinkFd_opensTheLinkItself(String fs) throws Exception {
        Files.createSymbolicLink(root(fs).resolve("link"), Path.of("nowhere"));
        try (Fd dir = Fcntl.open(root(fs).toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0);
             Fd link = Fcntl.openat(dir, "link", Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0)) {
            FileHandle handle = FileHandles.name_to_handle_at(link, new byte[0], Fcntl.AT_EMPTY_PATH);
            try (Fd opened = FileHandles.open_by_handle_at(dir, handle, Fcntl.O_PATH)) {
                assertThat(Stat.fstatat(opened, new byte[0], Fcntl.AT_EMPTY_PATH).type()).isEqualTo(Stat.S_IFLNK);
                assertThat(new String(Unistd.readlinkat(opened, new byte[0]))).isEqualTo("nowhere");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "tmpfs"})
    void openByHandle_ofAnUnlinkedFileStillOpen_opensIt(String fs) throws Exception {
        Files.writeString(root(fs).resolve("f"), "hello");
        try (Fd dir = Fcntl.open(root(fs).toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0);
             Fd open = Fcntl.openat(dir, "f", Fcntl.O_RDONLY, 0)) {
            FileHandle handle = FileHandles.name_to_handle_at(dir, b("f"), 0);
            Unistd.unlinkat(dir, b("f"), 0);
            try (Fd opened = FileHandles.open_by_handle_at(dir, handle, Fcntl.O_PATH)) {
                FileStat st = Stat.fstatat(opened, new byte[0], Fcntl.AT_EMPTY_PATH);
                assertThat(st.ino()).isEqualTo(Stat.fstat(open).ino());
                assertThat(st.nlink()).isZero();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "tmpfs"})
    void openByHandle_ofARemovedDirectoryStillHeld_opensIt(String fs) throws Exception {
        Files.createDirectory(root(fs).resolve("d"));
        try (Fd dir = Fcntl.open(root(fs).toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0);
             Fd held = Fcntl.openat(dir, "d", Fcntl.O_PATH, 0)) {
            FileHandle handle = FileHandles.name_to_handle_at(dir, b("d"), 0);
            Unistd.unlinkat(dir, b("d"), Fcntl.AT_REMOVEDIR);
            try (Fd opened = FileHandles.open_by_handle_at(dir, handle, Fcntl.O_PATH)) {
                assertThat(Stat.fstatat(opened, new byte[0], Fcntl.AT_EMPTY_PATH).ino()).isEqualTo(Stat.fstat(held).ino());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "tmpfs"})
    void openByHandle_ofARemovedNameNoOneHolds_failsWithEstale(String fs) throws Exception {
        Files.createDirectory(root(fs).resolve("d"));
        Files.writeString(root(fs).resolve("f"), "hello");
        try (Fd dir = Fcntl.open(root(fs).toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0)) {
            FileHandle directory = FileHandles.name_to_handle_at(dir, b("d"), 0);
            FileHandle file = FileHandles.name_to_handle_at(dir, b("f"), 0);
            Unistd.unlinkat(dir, b("d"), Fcntl.AT_REMOVEDIR);
            Unistd.unlinkat(dir, b("f"), 0);
            LinuxException e = failsWith(Errno.ESTALE, () -> FileHandles.open_by_handle_at(dir, directory, Fcntl.O_PATH));
            assertThat(e.getMessage()).contains("open_by_handle_at(").contains("ESTALE");
            failsWith(Errno.ESTALE, () -> FileHandles.open_by_handle_at(dir, file, Fcntl.O_PATH));
        }
    }

    @Test
    void openByHandle_throughAnOpathMountFd_failsWithEbadf() throws Exception {
        try (Fd dir = Fcntl.open(ext4.toString(), Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0)) {
            FileHandle handle = FileHandles.name_to_handle_at(dir, new byte[0], Fcntl.AT_EMPTY_PATH);
            failsWith(Errno.EBADF, () -> FileHandles.open_by_handle_at(dir, handle, Fcntl.O_PATH));
        }
    }

    @Test
    void nameToHandle_onProc_failsWithEopnotsupp() {
        LinuxException e = failsWith(Errno.EOPNOTSUPP, () -> FileHandles.name_to_handle_at(null, b("/proc/self"), 0));
        assertThat(e.getMessage()).contains("name_to_handle_at(AT_FDCWD, \"/proc/self\")");
    }

    @Test
    void nameToHandle_missingName_failsWithEnoent() throws Exception {
        try (Fd dir = Fcntl.open(ext4.toString(), Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0)) {
            failsWith(Errno.ENOENT, () -> FileHandles.name_to_handle_at(dir, b("missing"), 0));
        }
    }

    @Test
    void fileHandle_longerThanMaxHandleSz_isRefused() {
        assertThatThrownBy(() -> new FileHandle(1, new byte[FileHandles.MAX_HANDLE_SZ + 1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 128 bytes");
    }
}

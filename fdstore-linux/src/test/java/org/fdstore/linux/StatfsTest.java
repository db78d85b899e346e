package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatfsTest extends LeakChecked {
    @TempDir Path dir;

    @Test
    void fstatfs_tempDir_matchesStatfsAndTheJdksFileStore() throws Exception {
        FileStore store = Files.getFileStore(dir);
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            FsStats s = Statfs.fstatfs(d);
            // The free counts move whenever anything on the machine writes to this filesystem between the calls.
            assertThat(Statfs.statfs(b(dir.toString()))).usingRecursiveComparison()
                    .ignoringFields("bfree", "bavail", "ffree").isEqualTo(s);
            assertThat(s.bsize()).isPositive();
            assertThat(s.namelen()).isEqualTo(255);
            assertThat(s.blocks() * s.frsize()).isEqualTo(store.getTotalSpace());
            assertThat(s.bfree()).isGreaterThanOrEqualTo(s.bavail());
            assertThat(s.files()).isGreaterThanOrEqualTo(s.ffree());
        }
    }

    @Test
    void statfs_missingPath_failsWithEnoent() {
        LinuxException e = failsWith(Errno.ENOENT, () -> Statfs.statfs(b(dir.resolve("none").toString())));
        assertThat(e).hasMessageStartingWith("statfs(\"" + dir.resolve("none") + "\")");
    }

    @Test
    void fstatfs_readOnlyTmpfs_givesMagicSizeAndFlags() throws Exception {
        requireRoot();
        try (TmpfsMount m = TmpfsMount.at(Files.createDirectory(dir.resolve("mnt")), "ro,size=1m,nr_inodes=100");
             Fd root = Fcntl.open(m.path().toString(), Fcntl.O_PATH, 0);
             Fd slash = Fcntl.open("/", Fcntl.O_PATH, 0)) {
            FsStats s = Statfs.fstatfs(root);
            assertThat(s.type()).isEqualTo(Statfs.TMPFS_MAGIC);
            assertThat(s.blocks() * s.frsize()).isEqualTo(1 << 20);
            assertThat(s.bfree()).isEqualTo(s.blocks());
            assertThat(s.files()).isEqualTo(100);
            assertThat(s.flags() & Statfs.ST_RDONLY).isEqualTo(Statfs.ST_RDONLY);
            assertThat(s.fsid()).isNotEqualTo(Statfs.fstatfs(slash).fsid());
        }
    }
}

package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StdioTest extends LeakChecked {
    @TempDir Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("a"), "A");
        Files.writeString(dir.resolve("b"), "B");
        Files.createDirectory(dir.resolve("sub"));
    }

    @Test
    void renameat_acrossDirFds_movesAndReplaces() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0);
             Fd sub = Fcntl.open(dir.resolve("sub").toString(), Fcntl.O_PATH, 0)) {
            Stdio.renameat(d, b("a"), sub, b("moved"));
            assertThat(Files.readString(dir.resolve("sub/moved"))).isEqualTo("A");
            Stdio.renameat(d, b("b"), sub, b("moved"));
            assertThat(Files.readString(dir.resolve("sub/moved"))).isEqualTo("B");
            failsWith(Errno.ENOENT, () -> Stdio.renameat(d, b("a"), d, b("c")));
        }
    }

    @Test
    void renameat2_noreplaceOnExistingName_failsWithEexist() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            LinuxException e = failsWith(Errno.EEXIST,
                    () -> Stdio.renameat2(d, "a", d, "b", Stdio.RENAME_NOREPLACE));
            assertThat(e).hasMessageStartingWith(
                    "renameat2(fd " + d.number() + ", \"a\", fd " + d.number() + ", \"b\"");
            Stdio.renameat2(d, "a", d, "c", Stdio.RENAME_NOREPLACE);
            assertThat(Files.readString(dir.resolve("c"))).isEqualTo("A");
        }
    }

    @Test
    void renameat2_exchange_swapsBothNames() throws Exception {
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            Stdio.renameat2(d, "a", d, "sub", Stdio.RENAME_EXCHANGE);
            assertThat(Files.isDirectory(dir.resolve("a"))).isTrue();
            assertThat(Files.readString(dir.resolve("sub"))).isEqualTo("A");
            failsWith(Errno.ENOENT, () -> Stdio.renameat2(d, "b", d, "none", Stdio.RENAME_EXCHANGE));
        }
    }

    @Test
    void renameat2_whiteout_leavesCharDevice00() throws Exception {
        requireRoot();
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0)) {
            Stdio.renameat2(null, b(dir.resolve("a").toString()), d, b("w"), Stdio.RENAME_WHITEOUT);
            FileStat whiteout = Stat.fstatat(d, "a", Fcntl.AT_SYMLINK_NOFOLLOW);
            assertThat(whiteout.type()).isEqualTo(Stat.S_IFCHR);
            assertThat(whiteout.rdev()).isZero();
            Unistd.unlinkat(d, b("a"), 0);
        }
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inodes whose last name is removed while a process still uses them without an open file (a working directory, an
 * O_PATH fd) behave on the mount as on a plain directory, also after a kill -9 of the serving process. A file
 * handle stops opening once nothing holds its inode, so the mount pins such inodes with an fd (fs_tree.py orphan).
 */
class FsRemovedInodesTest {
    @TempDir Path dir;

    @Test
    void removedWorkingDirectoryAndOpathFile_afterKillMinus9_statAsOnThePlainDirectory() throws Exception {
        Path plain = Files.createDirectory(dir.resolve("plain"));
        String expected = orphan(plain, null);
        assertThat(expected).startsWith("ok ");
        try (FsMount fs = FsMount.start(dir)) {
            String onMount = orphan(fs.mountpoint, fs);
            assertThat(onMount).as(onMount + fs.log()).isEqualTo(expected);
            assertThat(fs.log()).doesNotContain("ESTALE").doesNotContain("event=store_failed");
        }
    }

    /** Runs fs_tree.py orphan in {@code root}; on a mount, kills the serving process while the names are gone. */
    private String orphan(Path root, FsMount fs) throws Exception {
        Path script = dir.resolve("fs_tree.py");
        if (!Files.exists(script)) Scripts.copy("fs_tree.py", dir);
        String tag = fs == null ? "plain" : "mount";
        Path ready = dir.resolve(tag + ".ready");
        Path go = dir.resolve(tag + ".go");
        Path out = dir.resolve(tag + ".out");
        Process p = new ProcessBuilder(Scripts.PYTHON, script.toString(), "orphan", root.toString(), ready.toString(),
                go.toString()).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(new File("/dev/null")).start();
        try {
            Await.until("fs_tree.py orphan to remove the names", Duration.ofSeconds(60),
                    () -> Files.exists(ready) || !p.isAlive(), () -> read(out));
            if (fs != null) fs.killServerAndAwaitSuccessor();
            Files.writeString(go, "go");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("fs_tree.py orphan finished").isTrue();
            return read(out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "(no output: " + e + ")";
        }
    }
}

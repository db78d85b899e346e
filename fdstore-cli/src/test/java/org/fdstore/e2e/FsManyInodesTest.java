package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mount holds inodes by file handle, not by fd: more directories than the open-file limit (20,000 here) are
 * created and walked with no EMFILE, the serving process and the store keep a handful of fds, and a tree deeper
 * than PATH_MAX survives a kill -9 of the serving process, its inodes still valid in the successor (fs_tree.py).
 */
class FsManyInodesTest {
    private static final int DIRECTORIES = 25_000;
    /** 40 levels of 200-character names: over 8,000 bytes of path, twice PATH_MAX. */
    private static final int LEVELS = 40;
    /** The serving JVM's own fds (jars, epoll, readers, store connection) with room to spare; far below one per inode. */
    private static final int FEW_FDS = 200;
    private static final Pattern INODE_ENTRY = Pattern.compile("fuse\\.[0-9a-f]{12}/n(\\d+)");

    @TempDir Path dir;

    @Test
    void directories_moreThanTheOpenFileLimit_areCreatedAndWalkedWithFewFds() throws Exception {
        try (FsMount fs = FsMount.start(dir, "--no-standby")) {
            String out = tree(fs, "wide", fs.mountpoint.resolve("wide").toString(), String.valueOf(DIRECTORIES));
            assertThat(out).as(out + fs.log()).contains("ok dirs=" + (DIRECTORIES + DIRECTORIES / 1000));
            long held = Long.parseLong(fs.status().get("nodes"));
            assertThat(held).as("inodes the kernel holds").isGreaterThan(DIRECTORIES);
            assertThat(fdCount(fs.servingPid())).as("fds of the serving process").isLessThan(FEW_FDS);
            assertThat(fs.store.fdCount() - fs.storeBaseline).as("fds the store holds for the mount").isLessThan(10);
            assertThat(inodeEntries(fs)).as("store entries of inodes").containsExactly(1L);
            assertThat(fs.log()).doesNotContain("EMFILE").doesNotContain("event=store_failed");
        }
    }

    @Test
    void treeDeeperThanPathMax_survivesKillMinus9_reachableByRelativeWalks() throws Exception {
        FsMount fs = FsMount.start(dir);
        try (fs) {
            Path root = fs.mountpoint.resolve("deep");
            Files.createDirectory(root);
            String made = tree(fs, "deep", root.toString(), String.valueOf(LEVELS));
            assertThat(made).as(made + fs.log()).startsWith("ok depth_bytes=");
            assertThat(Integer.parseInt(made.trim().substring("ok depth_bytes=".length()))).isGreaterThan(8000);
            Path ready = dir.resolve("ready");
            Path go = dir.resolve("go");
            Path heldOut = dir.resolve("hold.out");
            Process holder = start(fs, heldOut, "hold", root.toString(), String.valueOf(LEVELS), ready.toString(),
                    go.toString());
            try {
                Await.until("the holder at the bottom of the tree", Duration.ofSeconds(60),
                        () -> Files.exists(ready) || !holder.isAlive(), () -> read(heldOut));
                assertThat(inodeEntries(fs)).as("store entries of inodes").containsExactly(1L);
                fs.killServerAndAwaitSuccessor();
                Files.writeString(go, "go");
                assertThat(holder.waitFor(60, TimeUnit.SECONDS)).as("holder finished").isTrue();
                assertThat(read(heldOut)).as(read(heldOut) + fs.log()).contains("ok held=" + LEVELS);
            } finally {
                holder.destroyForcibly();
            }
            String walked = tree(fs, "walk", root.toString(), String.valueOf(LEVELS));
            assertThat(walked).as(walked + fs.log()).startsWith("ok walked=" + LEVELS);
            // No inode save failed. (Saves of the files and directories opened this deep depend on the store
            // describing an fd whose path passes PATH_MAX: the store's side of issue 14, item 3.)
            assertThat(fs.log()).doesNotContain("ESTALE").doesNotContainPattern("event=store_failed op=\"save [^\"]*/[nm]\\d+");
        } finally {
            // The temporary directory's own clean-up cannot remove a tree deeper than PATH_MAX.
            tree(fs, "remove", fs.source.resolve("deep").toString());
        }
    }

    /** Runs fs_tree.py to the end and returns its output. */
    private String tree(FsMount fs, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "tree-", ".out");
        Process p = start(fs, out, args);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("fs_tree.py " + String.join(" ", args) + " finished").isTrue();
        return read(out);
    }

    private Process start(FsMount fs, Path out, String... args) throws Exception {
        Path script = dir.resolve("fs_tree.py");
        if (!Files.exists(script)) Scripts.copy("fs_tree.py", dir);
        List<String> command = new ArrayList<>(List.of(Scripts.PYTHON, script.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(new File("/dev/null")).start();
    }

    /** The node ids of the mount's inode entries in the store (named n<nodeid>). */
    private static List<Long> inodeEntries(FsMount fs) throws Exception {
        CliRun list = fs.cli("list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        List<Long> nodeids = new ArrayList<>();
        Matcher m = INODE_ENTRY.matcher(list.stdout());
        while (m.find()) nodeids.add(Long.parseLong(m.group(1)));
        return nodeids;
    }

    private static int fdCount(int pid) {
        String[] names = new File("/proc/" + pid + "/fd").list();
        if (names == null) throw new AssertionError("process " + pid + " is gone");
        return names.length;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "(no output: " + e + ")";
        }
    }
}

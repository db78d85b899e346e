package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One file held open by several processes at once shares one kernel backing file, across a takeover of the mount:
 * one process holds it O_RDONLY, another O_RDWR and mapped; the serving process is killed (kill -9) or upgraded; a
 * third open then gets the same backing file (a second one would fail with EIO), each process sees what the others
 * wrote, an open after the first close still works (the recovered handles were counted, so the backing file was not
 * closed under the others), and after the last close the store holds no handle of the mount.
 */
class FsSharedBackingTest {
    private static final String CONTENT = "0123456789abcdef";

    @TempDir Path dir;

    @Test
    void sharedOpenFile_acrossKillMinus9_keepsOneBackingFileUntilTheLastClose() throws Exception {
        try (FsMount fs = FsMount.start(dir)) {
            exercise(fs, () -> {
                fs.awaitStandby();
                int serving = fs.servingPid();
                ProcessHandle.of(serving).orElseThrow().destroyForcibly();
                Await.until("a new serving process after killing " + serving, Duration.ofSeconds(30), () -> {
                    try {
                        return fs.servingPid() != serving;
                    } catch (Exception | AssertionError e) {
                        return false;
                    }
                }, fs::log);
                assertThat(fs.status().get("failovers")).isEqualTo("1");
            });
        }
    }

    @Test
    void sharedOpenFile_acrossUpgrade_keepsOneBackingFileUntilTheLastClose() throws Exception {
        try (FsMount fs = FsMount.start(dir)) {
            exercise(fs, () -> {
                fs.awaitStandby();
                CliRun upgrade = fs.cli("fs", "upgrade", fs.mountpoint.toString());
                assertThat(upgrade.exitCode()).as(upgrade + fs.log()).isZero();
                assertThat(fs.status().get("upgrades")).isEqualTo("1");
            });
        }
    }

    private interface Takeover {
        void run() throws Exception;
    }

    private static void exercise(FsMount fs, Takeover takeover) throws Exception {
        Path file = fs.mountpoint.resolve("shared");
        Files.writeString(file, CONTENT);
        Path script = Scripts.copy("hold_open.py", fs.dir);
        List<Holder> holders = new ArrayList<>();
        try {
            Holder reader = Holder.start(script, file, "r", holders);
            Holder mapper = Holder.start(script, file, "rw-mmap", holders);
            assertThat(mapper.ask("mwrite 0 M0")).isEqualTo("mapped 2");
            assertThat(reader.ask("read")).isEqualTo("'M023456789abcdef'");

            takeover.run();

            Holder third = Holder.start(script, file, "rw", holders);
            assertThat(third.ask("write 4 T4")).isEqualTo("wrote 2");
            assertThat(mapper.ask("write 8 W8")).isEqualTo("wrote 2");
            assertThat(mapper.ask("mwrite 12 MC")).isEqualTo("mapped 2");
            String expected = "'M023T467W8abMCef'";
            assertThat(reader.ask("read")).isEqualTo(expected);
            assertThat(mapper.ask("mread")).isEqualTo(expected);
            assertThat(third.ask("read")).isEqualTo(expected);

            reader.close();
            Holder fourth = Holder.start(script, file, "r", holders);
            assertThat(fourth.ask("read")).as("an open after a recovered handle closed").isEqualTo(expected);
            for (Holder h : List.of(mapper, third, fourth)) h.close();
        } finally {
            holders.forEach(Holder::kill);
        }
        assertThat(Files.readString(fs.source.resolve("shared"))).isEqualTo("M023T467W8abMCef");
        Holder again = null;
        try {
            again = Holder.start(script, file, "rw", new ArrayList<>());
            assertThat(again.ask("read")).as("a new backing file once every handle closed").isEqualTo("'M023T467W8abMCef'");
            again.close();
        } finally {
            if (again != null) again.kill();
        }
        String namespace = fs.status().get("namespace");
        Await.until("the store to hold no handle of the mount", Duration.ofSeconds(10),
                () -> handleEntries(fs, namespace).isEmpty(), () -> handleEntries(fs, namespace) + fs.log());
        assertThat(fs.log()).doesNotContain("event=passthrough_refused").doesNotContain("event=backing_close_failed")
                .doesNotContain("event=backing_conflict").doesNotContain("event=store_failed");
        CliRun umount = fs.cli("fs", "umount", fs.mountpoint.toString());
        assertThat(umount.stdout()).as(umount.toString()).startsWith("unmounted " + fs.mountpoint);
        fs.store.awaitFdCount(fs.storeBaseline);
    }

    private static List<String> handleEntries(FsMount fs, String namespace) {
        try {
            CliRun list = fs.cli("list");
            return list.stdout().lines().filter(l -> l.contains(namespace + "/h")).toList();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** hold_open.py in its own process: one open file, driven line by line. */
    private record Holder(Process process, BufferedReader from, PrintWriter to) {
        static Holder start(Path script, Path file, String mode, List<Holder> started) throws IOException {
            Process p = new ProcessBuilder(Scripts.PYTHON, script.toString(), file.toString(), mode)
                    .redirectErrorStream(true).start();
            Holder h = new Holder(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
                    new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8));
            started.add(h);
            assertThat(h.from.readLine()).as("open " + file + " " + mode).isEqualTo("open");
            return h;
        }

        String ask(String command) throws IOException {
            to.println(command);
            return from.readLine();
        }

        void close() throws IOException, InterruptedException {
            assertThat(ask("close")).isEqualTo("closed");
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        void kill() {
            process.destroyForcibly();
        }
    }
}

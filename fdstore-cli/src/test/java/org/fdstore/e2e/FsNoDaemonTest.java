package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel passthrough: a process holding an open file on the mount reads and writes it while no daemon runs at all
 * (no standby either), and service resumes when a standby is started by hand.
 *
 * <p>The open file lives in a separate process that never forks: while no daemon runs, closing a copy of a FUSE fd
 * (as a forked child does) waits for a daemon to answer FLUSH.
 */
class FsNoDaemonTest {
    @TempDir Path dir;

    @Test
    void openPassthroughFile_readsAndWrites_whileNoDaemonRuns() throws Exception {
        try (FsMount fs = FsMount.start(dir, "--no-standby")) {
            Path file = fs.mountpoint.resolve("data");
            Files.writeString(file, "before the crash\n");
            Process holder = new ProcessBuilder(Scripts.PYTHON, Scripts.copy("hold_open.py", fs.dir).toString(),
                    file.toString()).redirectErrorStream(true).start();
            try (BufferedReader from = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter to = new PrintWriter(holder.getOutputStream(), true, StandardCharsets.UTF_8)) {
                assertThat(from.readLine()).isEqualTo("open");
                ProcessHandle server = ProcessHandle.of(fs.servingPid()).orElseThrow();
                server.destroyForcibly();
                Await.until("the serving process to die", Duration.ofSeconds(10), () -> !server.isAlive());

                to.println("read");
                assertThat(from.readLine()).isEqualTo("'before the crash\\n'");
                to.println("write 17 written with no daemon");
                assertThat(from.readLine()).isEqualTo("wrote 22");
                assertThat(Files.readString(fs.source.resolve("data"))).isEqualTo("before the crash\nwritten with no daemon");
                assertThat(fs.status().get("pid")).isEqualTo("none");

                Process standby = new ProcessBuilder(JavaProcess.fdstore("--socket", fs.store.socket().toString(), "fs",
                        "standby", fs.mountpoint.toString())).redirectErrorStream(true)
                        .redirectOutput(fs.dir.resolve("fs-resumed.log").toFile()).start();
                Await.until("a standby started by hand to take over", Duration.ofSeconds(60), () -> {
                    try {
                        return !fs.status().get("pid").equals("none");
                    } catch (Exception e) {
                        return false;
                    }
                }, fs::log);
                assertThat(standby.isAlive()).isTrue();
                to.println("close");
                assertThat(from.readLine()).isEqualTo("closed");
                assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                holder.destroyForcibly();
            }
            assertThat(Files.readString(file)).isEqualTo("before the crash\nwritten with no daemon");
        }
    }
}

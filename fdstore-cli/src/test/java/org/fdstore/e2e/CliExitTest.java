package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short command halts the JVM once its output is flushed, rather than exit through System.exit, whose lookup of
 * Runtime.exit's logger reads every jar of the class path (Main.main); the rare commands exit as before. Each runs
 * in its own JVM, logging the classes it initialises: the lookup initialises the JDK's LoggerFinder detection.
 */
class CliExitTest {
    private static final String LOGGER_LOOKUP = "Initializing 'jdk/internal/logger/BootstrapLogger$DetectBackend'";

    @TempDir
    Path dir;

    /** One run of the CLI, and whether it looked the logger up. */
    private record Traced(CliRun run, boolean lookedUpLogger) {}

    private Traced fdstore(String... args) throws Exception {
        Path log = dir.resolve("classes");
        CliRun run = CliRun.runRaw(dir, Map.of(), List.of("-Xlog:class+init=info:file=" + log), args);
        return new Traced(run, Files.readAllLines(log).stream().anyMatch(line -> line.contains(LOGGER_LOOKUP)));
    }

    @Test
    void shortCommand_haltsWithItsOutputAndExitCodeAndNoLoggerLookup() throws Exception {
        Files.writeString(dir.resolve("file"), "content\n");
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {
            String socket = daemon.socket().toString();
            int baselineFds = daemon.fdCount();
            Traced save = fdstore("--socket", socket, "save", "-f", "file", "--name", "a");
            assertThat(save.run().exitCode()).as(save.run().toString()).isZero();
            assertThat(save.lookedUpLogger()).isFalse();
            Traced restore = fdstore("--socket", socket, "restore", "a");
            assertThat(restore.run().stdout()).isEqualTo("file content:\ncontent\n");
            assertThat(restore.lookedUpLogger()).isFalse();
            Traced remove = fdstore("--socket", socket, "remove", "b");
            assertThat(remove.run().exitCode()).isEqualTo(1);
            assertThat(remove.run().stderr()).isEqualTo("fdstore remove: no entry with name \"b\" (ENOENT)\n");
            assertThat(remove.lookedUpLogger()).isFalse();
            // A halted command's connection is closed by the kernel: the daemon holds only the entry "a" after it.
            daemon.awaitFdCount(baselineFds + 1);
            assertThat(daemon.stop()).isZero();
        }
    }

    @Test
    void rareCommand_exitsThroughSystemExit() throws Exception {
        Traced help = fdstore("-h");
        assertThat(help.run().exitCode()).isZero();
        assertThat(help.run().stdout()).startsWith("Usage: fdstore");
        assertThat(help.lookedUpLogger()).isTrue();
    }
}

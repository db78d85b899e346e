package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frequent commands, the RFC flags and the daemon run without loading picocli (the CLI's FastParser reads them),
 * while help still goes through it. Each command runs in its own JVM, logging the classes it loads.
 */
class CliWithoutPicocliTest {
    @TempDir
    Path dir;

    /** The classes a JVM logged to {@code log} with {@code -Xlog:class+load}, one line each. */
    private static List<String> loaded(Path log) throws Exception {
        return Files.readAllLines(log);
    }

    private static List<String> classLog(Path log) {
        return List.of("-Xlog:class+load=info:file=" + log);
    }

    private CliRun fdstore(DaemonProcess daemon, String name, String... args) throws Exception {
        Path log = dir.resolve(name + ".classes");
        String[] all = new String[args.length + 2];
        all[0] = "--socket";
        all[1] = daemon.socket().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        CliRun run = CliRun.runRaw(dir, Map.of(), classLog(log), all);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(loaded(log)).as("classes loaded by fdstore %s", List.of(args))
                .anyMatch(line -> line.contains("org.fdstore.cli.FastParser "))
                .noneMatch(line -> line.contains("picocli."));
        return run;
    }

    @Test
    void frequentCommands_loadNoPicocliClass() throws Exception {
        Files.writeString(dir.resolve("file"), "content\n");
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {
            assertThat(fdstore(daemon, "save", "save", "-f", "file", "--name", "a", "--ttl", "1h").stdout())
                    .startsWith("saved file id ");
            assertThat(fdstore(daemon, "restore", "restore", "a").stdout()).isEqualTo("file content:\ncontent\n");
            assertThat(fdstore(daemon, "list", "list").stdout()).contains("ID  NAME");
            assertThat(fdstore(daemon, "list-json", "list", "--json").stdout()).startsWith("[");
            assertThat(fdstore(daemon, "status", "status").stdout()).contains("pid: ");
            assertThat(fdstore(daemon, "status-json", "status", "--json").stdout()).startsWith("{");
            assertThat(fdstore(daemon, "take", "take", "a").stdout()).endsWith("content\ndeleted file id 1\n");
            assertThat(fdstore(daemon, "rfc-save", "-s", "-f", "file").stdout()).isEqualTo("saved file id 1\n");
            assertThat(fdstore(daemon, "rfc-restore", "-r", "1", "-d", "1").stdout())
                    .startsWith("restored file fd ").endsWith("deleted file id 1\nfile content:\ncontent\n");
            fdstore(daemon, "save-fd", "save", "--fd", "0", "--name", "b");
            assertThat(fdstore(daemon, "remove", "remove", "b").stdout()).isEqualTo("deleted file id 1\n");
            assertThat(daemon.stop()).isZero();
        }
    }

    @Test
    void daemon_startsAndServesWithoutPicocli() throws Exception {
        Path log = dir.resolve("daemon.classes");
        try (DaemonProcess daemon = DaemonProcess.startWithJvmOptions(dir, classLog(log))) {
            assertThat(daemon.stop()).isZero();
        }
        assertThat(loaded(log)).anyMatch(line -> line.contains("org.fdstore.daemon.Daemon "))
                .noneMatch(line -> line.contains("picocli."));
    }

    @Test
    void help_goesThroughPicocli() throws Exception {
        Path log = dir.resolve("help.classes");
        CliRun help = CliRun.runRaw(dir, Map.of(), classLog(log), "-h");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(loaded(log)).anyMatch(line -> line.contains("picocli.CommandLine "));
    }
}

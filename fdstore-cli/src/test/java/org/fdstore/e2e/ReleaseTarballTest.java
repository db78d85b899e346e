package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release: bin/dist builds the tarball once for the class, which is unpacked into an empty directory and run as
 * a machine without a JDK or Maven would run it: PATH reduced to /usr/bin:/bin, no JAVA_HOME, commands through a
 * symbolic link to its bin/fdstore. Every fdstore JVM runs with {@code -XX:AOTMode=on} (JDK_JAVA_OPTIONS), which
 * refuses to start unless the launcher passed an AOT cache that this runtime accepts: the caches bin/dist trained
 * must survive the move.
 *
 * <p>Tagged {@code release}: runs in the verify phase (fdstore-cli's pom.xml), once the jars bin/dist packs are built.
 */
@Tag("release")
class ReleaseTarballTest {
    /** The project's root: Maven runs the tests of a module in the module's directory. */
    private static final Path PROJECT = Path.of("").toAbsolutePath().getParent();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    /** For bin/fdstore: its JVM refuses to start unless given an AOT cache that it can use. */
    private static final Map<String, String> CACHE_REQUIRED = Map.of("JDK_JAVA_OPTIONS", "-XX:AOTMode=on");

    @TempDir
    static Path dir;
    private static Path release;
    /** The release's version, from the tarball's name. */
    private static String version;
    private static Path fdstoreLink;

    /** Exit code and output of one command. */
    private record Run(int exitCode, String stdout, String stderr) {}

    @BeforeAll
    static void buildAndUnpack() throws Exception {
        // bin/dist itself runs with this JVM's environment: it finds the JDK as bin/fdstore does.
        Run dist = run(PROJECT, null, PROJECT.resolve("bin/dist").toString());
        assertThat(dist.exitCode()).as(dist.toString()).isZero();
        Path tarball = Path.of(dist.stdout().strip());
        Matcher name = Pattern.compile("fdstore-([^/]+)-linux-x86_64\\.tar\\.gz")
                .matcher(tarball.getFileName().toString());
        assertThat(name.matches()).as(tarball.toString()).isTrue();
        version = name.group(1);
        Path unpacked = Files.createDirectory(dir.resolve("unpacked"));
        Run tar = run(unpacked, Map.of(), "tar", "-xzf", tarball.toString());
        assertThat(tar.exitCode()).as(tar.toString()).isZero();
        try (Stream<Path> top = Files.list(unpacked)) {
            release = top.collect(onlyElement());
        }
        fdstoreLink = Files.createDirectory(dir.resolve("on-path")).resolve("fdstore");
        Files.createSymbolicLink(fdstoreLink, release.resolve("bin/fdstore"));
    }

    @Test
    void unpackedAnywhere_daemonSaveRestoreList_withoutJdkOrMaven() throws Exception {
        Path socket = dir.resolve("store.sock");
        try (ReleaseDaemon daemon = ReleaseDaemon.start(socket, dir.resolve("daemon.log"))) {
            Path file = dir.resolve("kept");
            Run save = fdstore("save", "-f", file.toString(), "--name", "kept", "--socket", socket.toString());
            assertThat(save.stdout()).as(save.toString()).isEqualTo("saved file id 1\n");
            Files.writeString(file, "hello from the release\n");
            Files.delete(file); // only the store keeps it now
            Run restore = fdstore("restore", "kept", "--socket", socket.toString());
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(restore.stdout()).contains("hello from the release\n");
            Run list = fdstore("list", "--socket", socket.toString());
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.stdout()).contains("kept");
            Run status = fdstore("status", "--socket", socket.toString());
            assertThat(status.stdout()).as(status.toString()).contains("entries: 1\n", "version: " + version + "\n");
            // The standby is a JVM the daemon starts itself (SelfLauncher): with the bundled runtime too.
            Await.until("the release's daemon to have a standby", COMMAND_TIMEOUT, () -> standbyPid(socket),
                    daemon::log);
            assertThat(daemon.stop()).as(daemon.log()).isZero();
        }
    }

    @Test
    void daemonWithMetrics_servesPrometheusTextThatFollowsTheStore() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/metrics";
        Path socket = dir.resolve("metrics.sock");
        try (ReleaseDaemon daemon = ReleaseDaemon.start(socket, dir.resolve("metrics-daemon.log"),
                "--no-mirror", "--metrics", "127.0.0.1:" + port)) {
            Run save = fdstore("save", "-f", dir.resolve("counted").toString(), "--socket", socket.toString());
            assertThat(save.exitCode()).as(save.toString()).isZero();
            Run curl = run(dir, Map.of(), "curl", "-sSf", url);
            assertThat(curl.exitCode()).as(curl + daemon.log()).isZero();
            assertThat(curl.stdout()).contains("# TYPE fdstore_requests_total counter")
                    .containsPattern("(?m)^fdstore_entries\\{[^}]*\\} 1(\\.0)?$")
                    .containsPattern("(?m)^fdstore_fds [0-9]");
            assertThat(daemon.stop()).as(daemon.log()).isZero();
        }
    }

    @Test
    void release_holdsItsRuntimeManPagesUnitsAndDocs() throws Exception {
        Run modules = run(dir, Map.of(), release.resolve("runtime/bin/java").toString(), "--list-modules");
        assertThat(modules.stdout()).as(modules.toString()).contains("jdk.httpserver", "java.logging")
                .doesNotContain("java.desktop", "jdk.compiler");
        assertThat(release.resolve("runtime/include")).doesNotExist();
        assertThat(Files.readString(release.resolve("man/man1/fdstore-save.1"))).contains(".SH OPTIONS", "\\-\\-name");
        assertThat(release.resolve("man/man1/fdstore-fs-mount.1")).exists();
        assertThat(Files.readString(release.resolve("contrib/fdstore.service")))
                .contains("ExecStart=/opt/fdstore/bin/fdstore daemon", "file:///opt/fdstore/docs/systemd.md");
        assertThat(release.resolve("contrib/fdstore.socket")).exists();
        assertThat(release.resolve("docs/operations.md")).exists();
        assertThat(release.resolve("README.md")).exists();
    }

    private static boolean standbyPid(Path socket) {
        try {
            return fdstore("status", "--socket", socket.toString()).stdout().matches("(?s).*standby_pid: [0-9]+\n.*");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@code fdstore ARGS} of the release, through the link, as on a machine without a JDK. */
    private static Run fdstore(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(fdstoreLink.toString()));
        command.addAll(List.of(args));
        return run(dir, CACHE_REQUIRED, command.toArray(String[]::new));
    }

    /** The environment of a machine without a JDK: PATH=/usr/bin:/bin, no JAVA_HOME. */
    private static void bareEnvironment(ProcessBuilder builder) {
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
    }

    /** Runs {@code command} in {@code cwd}, in this JVM's environment if {@code environment} is null, else bare. */
    private static Run run(Path cwd, Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (environment != null) {
            bareEnvironment(builder);
            builder.environment().putAll(environment);
        }
        Process p = builder.start();
        try {
            // stderr through a thread: a chatty command could fill the pipe while stdout is read.
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            assertThat(p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("%s exited within %s", List.of(command), COMMAND_TIMEOUT).isTrue();
            return new Run(p.exitValue(), out, err.join());
        } finally {
            p.destroyForcibly();
        }
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> java.util.stream.Collector<T, ?, T> onlyElement() {
        return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), all -> {
            assertThat(all).hasSize(1);
            return all.getFirst();
        });
    }

    /**
     * {@code fdstore daemon} of the release, started by its bin/fdstore in the bare environment. Closing it stops it
     * and every process it started (its standby), whatever the outcome: SIGTERM, then SIGKILL for any left.
     */
    private static final class ReleaseDaemon implements AutoCloseable {
        private final Process process;
        private final Path log;

        private ReleaseDaemon(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static ReleaseDaemon start(Path socket, Path log, String... options) throws IOException {
            List<String> command = new ArrayList<>(List.of(release.resolve("bin/fdstore").toString(), "daemon",
                    "--socket", socket.toString(), "--lame-duck", "0"));
            command.addAll(List.of(options));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            bareEnvironment(builder);
            builder.environment().putAll(CACHE_REQUIRED);
            ReleaseDaemon daemon = new ReleaseDaemon(builder.start(), log);
            try {
                Await.until("the release's daemon to listen on " + socket, COMMAND_TIMEOUT,
                        () -> !daemon.process.isAlive() || Files.exists(socket), daemon::log);
                assertThat(daemon.process.isAlive()).as("the daemon runs: %s", daemon.log()).isTrue();
            } catch (RuntimeException | Error e) {
                daemon.close();
                throw e;
            }
            return daemon;
        }

        /** Stops the daemon (SIGTERM) and returns its exit code. */
        int stop() throws InterruptedException {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("the daemon did not stop within 30 s of SIGTERM: " + log());
            }
            List<Long> left = new ArrayList<>();
            for (ProcessHandle child : children) {
                if (child.onExit().completeOnTimeout(child, 10, TimeUnit.SECONDS).join().isAlive()) {
                    child.destroyForcibly();
                    left.add(child.pid());
                }
            }
            assertThat(left).as("processes the daemon started, still running 10 s after it stopped").isEmpty();
            return process.exitValue();
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        @Override
        public void close() {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.add(process.toHandle());
            for (ProcessHandle p : all) p.destroy();
            for (ProcessHandle p : all) {
                if (p.onExit().completeOnTimeout(p, 10, TimeUnit.SECONDS).join().isAlive()) p.destroyForcibly();
            }
        }
    }
}

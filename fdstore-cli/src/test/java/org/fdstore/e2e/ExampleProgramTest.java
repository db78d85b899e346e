package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fdstore.client.FdStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/save-restore, an application of the client library, built as its users build it: by Maven, offline, from
 * a copy outside the project, against org.fdstore:fdstore-client from the local repository only (bin/test runs
 * {@code mvn install}, which installs the library before this module's tests run); then run in a JVM of its own
 * against a real daemon, with the JVM options the README gives and without each of them.
 */
class ExampleProgramTest {
    /** The project's root: Maven runs the tests of a module in the module's directory. */
    private static final Path PROJECT = Path.of("").toAbsolutePath().getParent();
    private static final List<String> NATIVE_ACCESS = List.of("--enable-native-access=ALL-UNNAMED");
    private static final List<String> ADD_OPENS = List.of("--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

    @TempDir static Path example;
    @TempDir Path dir;
    @RegisterExtension final LeakCheckedDaemon fixture = new LeakCheckedDaemon();

    private record Run(int exitCode, String stdout, String stderr) {}

    @BeforeAll
    static void buildExampleAgainstTheInstalledLibrary() throws Exception {
        String version = projectVersion();
        String repository = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path installed = Path.of(repository, "org", "fdstore", "fdstore-client", version,
                "fdstore-client-" + version + ".jar");
        assertThat(installed).as("org.fdstore:fdstore-client:%s in the local repository: the example builds against"
                + " the installed library; run `mvn install` (bin/test does) or"
                + " `mvn install -DskipTests -pl fdstore-client -am` first", version).exists();
        copy(PROJECT.resolve("examples/save-restore"), example);
        List<String> mvn = new ArrayList<>(List.of("mvn", "-B", "-q", "-o", "-Dfdstore.version=" + version,
                "-f", example.resolve("pom.xml").toString(), "package"));
        if (System.getProperty("maven.repo.local") != null) mvn.add("-Dmaven.repo.local=" + repository);
        ProcessBuilder builder = new ProcessBuilder(mvn).directory(example.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Run build = run(builder);
        assertThat(build.exitCode()).as("mvn package of the example:\n%s\n%s", build.stdout(), build.stderr())
                .isZero();
    }

    @Test
    void example_withTheReadmeFlags_savesDeletesRestoresAndPrintsTheFile() throws Exception {
        Run run = runExample(both());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).matches("(?s)saved file id (\\d+)\nfile content:\nhello from note.txt\n"
                + "deleted file id \\1\n");
        assertThat(dir.resolve("note.txt")).doesNotExist();
        assertStoreEmpty();
    }

    @Test
    void example_withoutNativeAccess_failsAtConnectNamingTheOption() throws Exception {
        Run run = runExample(ADD_OPENS);
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("UnsatisfiedLinkError: fdstore-linux calls C functions through"
                + " java.lang.foreign: start the JVM with --enable-native-access=ALL-UNNAMED");
        assertThat(run.stdout()).isEmpty();
        assertThat(dir.resolve("note.txt")).as("nothing was done").doesNotExist();
    }

    @Test
    void example_withoutAddOpens_failsAtTheFileChannelNamingTheOption() throws Exception {
        Run run = runExample(NATIVE_ACCESS);
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("UnsupportedOperationException: reading FileChannelImpl.fd needs"
                + " --add-opens java.base/sun.nio.ch=ALL-UNNAMED");
        assertThat(run.stdout()).isEmpty();
        assertStoreEmpty();
    }

    private static List<String> both() {
        List<String> flags = new ArrayList<>(NATIVE_ACCESS);
        flags.addAll(ADD_OPENS);
        return flags;
    }

    private void assertStoreEmpty() throws Exception {
        try (FdStore store = fixture.connect()) {
            assertThat(store.list()).isEmpty();
        }
    }

    /** {@code java FLAGS -jar target/save-restore.jar dir/note.txt}, as the example's javadoc gives it. */
    private Run runExample(List<String> flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(flags);
        command.addAll(List.of("-jar", example.resolve("target/save-restore.jar").toString(),
                dir.resolve("note.txt").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("FDSTORE_SOCKET", fixture.daemon().socket().toString());
        builder.environment().remove("FDSTORE_DAEMON_UID");
        return run(builder);
    }

    private static Run run(ProcessBuilder builder) throws IOException, InterruptedException {
        Path out = Files.createTempFile("example", ".out");
        Path err = Files.createTempFile("example", ".err");
        try {
            Process p = builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", builder.command()) + " still ran after 300 s");
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** The version of the project, which the example depends on: the root pom's. */
    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>fdstore</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(PROJECT.resolve("pom.xml")));
        assertThat(m.find()).as("the version in the root pom.xml").isTrue();
        return m.group(1);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path source : all.filter(p -> !p.startsWith(from.resolve("target"))).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}

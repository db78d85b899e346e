package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/fdstore and bin/lib/jdk.sh, run by bash in a copy of the project's layout with a fake JDK (a java that prints
 * its arguments) and a fake Maven (an mvn that records that it ran): which JDK the wrapper picks, when it rebuilds,
 * and the command line it runs, however it is called.
 */
class WrapperScriptTest {
    /** The project's root: Maven runs the tests of a module in the module's directory. */
    private static final Path PROJECT = Path.of("").toAbsolutePath().getParent();
    private static final Instant SOURCES_TIME = Instant.now().minusSeconds(3000);
    private static final Instant BUILD_TIME = Instant.now().minusSeconds(2000);

    @TempDir
    Path dir;
    private Path root;
    private Path jar;
    private Path jdk;
    private Path mavenRan;

    /** Exit code and output of one bash run. */
    private record Run(int exitCode, String stdout, String stderr) {}

    @BeforeEach
    void layOutProject() throws IOException {
        root = dir.resolve("project");
        copy(PROJECT.resolve("bin/fdstore"), root.resolve("bin/fdstore"));
        copy(PROJECT.resolve("bin/lib/jdk.sh"), root.resolve("bin/lib/jdk.sh"));
        copy(PROJECT.resolve("bin/lib/jvm.sh"), root.resolve("bin/lib/jvm.sh"));
        for (String source : List.of("pom.xml", "mod/pom.xml", "mod/src/main/java/A.java", "mod/src/test/java/T.java",
                "mod/target/classes/A.class", "fdstore-bench/pom.xml", "fdstore-bench/src/main/java/B.java",
                "docs/x.md")) {
            write(root.resolve(source), "", SOURCES_TIME);
        }
        jar = root.resolve("fdstore-cli/target/fdstore-cli.jar");
        write(jar, "", BUILD_TIME);
        for (String role : List.of("cli", "daemon")) {
            write(root.resolve("fdstore-cli/target/fdstore-cli-" + role + ".aot"), "cache", BUILD_TIME.plusSeconds(1));
        }
        jdk = fakeJdk("jdk25", "25.0.1");
        // A directory's time counts too: it changes when a file is added, removed or renamed.
        try (Stream<Path> all = Files.walk(root)) {
            for (Path d : all.filter(Files::isDirectory).toList()) {
                Files.setLastModifiedTime(d, FileTime.from(SOURCES_TIME));
            }
        }
        mavenRan = dir.resolve("maven-ran");
        Path mvn = dir.resolve("tools/mvn");
        write(mvn, "#!/bin/sh\ntouch " + mavenRan + "\n", SOURCES_TIME);
        executable(mvn);
    }

    @Test
    void fresh_runsTheJarWithItsCacheAndBuildsNothing() throws Exception {
        Run run = fdstore(root.resolve("bin/fdstore").toString(), "list");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).startsWith("java ")
                .contains(" -XX:AOTCache=" + root.toRealPath().resolve("fdstore-cli/target/fdstore-cli-cli.aot"))
                .endsWith(" -jar " + jar.toRealPath() + " list\n");
        assertThat(mavenRan).doesNotExist();
    }

    @Test
    void calledThroughLinkOrRelativePath_runsTheSameCommand() throws Exception {
        String direct = fdstore(root.resolve("bin/fdstore").toString(), "list").stdout();
        Path link = dir.resolve("elsewhere/fdstore");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, root.resolve("bin/fdstore"));
        assertThat(fdstore(link.toString(), "list").stdout()).isEqualTo(direct);
        assertThat(run(root.resolve("bin"), Map.of("JAVA_HOME", jdk.toString()), "bash", "fdstore", "list").stdout())
                .isEqualTo(direct);
        assertThat(run(root, Map.of("JAVA_HOME", jdk.toString()), "bin/fdstore", "list").stdout()).isEqualTo(direct);
    }

    @Test
    void mainSourceOrPomNewerThanJar_rebuilds() throws Exception {
        for (String changed : List.of("mod/src/main/java/A.java", "mod/src/main/java/New.java", "pom.xml",
                "mod/pom.xml")) {
            write(jar, "", BUILD_TIME);
            write(root.resolve(changed), "changed", Instant.now());
            Files.deleteIfExists(mavenRan);
            Run run = fdstore(root.resolve("bin/fdstore").toString(), "list");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(mavenRan).as("a build after %s changed", changed).exists();
            write(root.resolve(changed), "changed", SOURCES_TIME);
            Files.setLastModifiedTime(root.resolve(changed).getParent(), FileTime.from(SOURCES_TIME));
        }
    }

    @Test
    void otherFilesNewerThanJar_buildNothing() throws Exception {
        for (String changed : List.of("mod/src/test/java/T.java", "mod/target/classes/A.class",
                "fdstore-bench/src/main/java/B.java", "fdstore-bench/pom.xml", "docs/x.md")) {
            write(root.resolve(changed), "changed", Instant.now());
        }
        Run run = fdstore(root.resolve("bin/fdstore").toString(), "list");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(mavenRan).doesNotExist();
    }

    @Test
    void sourceNewerThan_withoutSkip_countsTheBenchmarksAndKeepsTheCallersShellOptions() throws Exception {
        write(root.resolve("fdstore-bench/src/main/java/B.java"), "changed", Instant.now());
        String script = "shopt -s nullglob; . '%s'; source_newer_than '%s' && echo newer; "
                + "shopt -p globstar dotglob nullglob";
        Run run = bash(script.formatted(root.resolve("bin/lib/jdk.sh"), jar), Map.of());
        assertThat(run.stdout()).as(run.toString())
                .isEqualTo("newer\nshopt -u globstar\nshopt -u dotglob\nshopt -s nullglob\n");
    }

    @Test
    void findJavaHome_skipsOldJdksAndFollowsJavaOnPathIntoItsJdk() throws Exception {
        Path old = fakeJdk("jdk17", "17.0.2");
        Path pathDir = dir.resolve("path");
        Files.createDirectories(pathDir);
        Files.createSymbolicLink(pathDir.resolve("java"), jdk.resolve("bin/java"));
        String find = ". '%s'; find_java_home".formatted(root.resolve("bin/lib/jdk.sh"));
        assertThat(bash(find, Map.of("JAVA_HOME", jdk.toString())).stdout()).isEqualTo(jdk + "\n");
        assertThat(bash(find, Map.of("JAVA_HOME", old.toString(), "PATH", pathDir + ":/usr/bin:/bin")).stdout())
                .isEqualTo(jdk.toRealPath() + "\n");
    }

    @Test
    void findJavaHome_jdkWithoutReleaseFile_asksItsJava() throws Exception {
        Files.delete(jdk.resolve("release"));
        Run run = bash(". '%s'; find_java_home".formatted(root.resolve("bin/lib/jdk.sh")),
                Map.of("JAVA_HOME", jdk.toString()));
        assertThat(run.stdout()).as(run.toString()).isEqualTo(jdk.toRealPath() + "\n");
    }

    /** A JDK directory whose release file names {@code version} and whose java prints its arguments. */
    private Path fakeJdk(String name, String version) throws IOException {
        Path home = dir.resolve(name);
        write(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n", SOURCES_TIME);
        Path java = home.resolve("bin/java");
        write(java, """
                #!/bin/sh
                if [ "$1" = -XshowSettings:properties ]; then
                  echo '    java.specification.version = %s' >&2
                  exit 0
                fi
                echo "java $*"
                """.formatted(version.split("\\.")[0]), SOURCES_TIME);
        executable(java);
        return home;
    }

    private Run fdstore(String command, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(args));
        return run(dir, Map.of("JAVA_HOME", jdk.toString()), all.toArray(String[]::new));
    }

    private Run bash(String script, Map<String, String> environment) throws Exception {
        return run(dir, environment, "bash", "-c", script);
    }

    /** Runs {@code command} with the fake Maven first on PATH, and {@code environment} on top. */
    private Run run(Path cwd, Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().put("PATH", dir.resolve("tools") + ":/usr/bin:/bin");
        builder.environment().putAll(environment);
        Process p = builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s exited within 60 s", List.of(command)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    private static void write(Path file, String content, Instant time) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(time));
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}

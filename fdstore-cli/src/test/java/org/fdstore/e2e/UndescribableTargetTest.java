package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store never refuses a valid fd: a file deeper than PATH_MAX, whose path readlink cannot give (ENAMETOOLONG),
 * is saved and restored like any other, and {@code list}, {@code list --json} and {@code inspect} say that its
 * path is undescribable.
 */
class UndescribableTargetTest {
    private static final String MARKER = "<undescribable: ENAMETOOLONG>";

    @RegisterExtension final LeakCheckedDaemon fixture = new LeakCheckedDaemon();
    @TempDir Path tree;

    private CliRun fdstore(String... args) throws Exception {
        return CliRun.run(fixture.dir(), fixture.daemon().socket(), args);
    }

    /** Runs deep_file.py with {@code args}; returns its exit code and output. */
    private CliRun deepFile(String... args) throws Exception {
        Path script = fixture.dir().resolve("deep_file.py");
        if (!script.toFile().exists()) Scripts.copy("deep_file.py", fixture.dir());
        List<String> command = new ArrayList<>(List.of(Scripts.PYTHON, script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        // Closed here, not by a later GC: the fixture counts this JVM's fds after the test.
        try (var stdout = p.getInputStream(); var stderr = p.getErrorStream()) {
            byte[] out = stdout.readAllBytes();
            byte[] err = stderr.readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("deep_file.py " + args[0] + " exits").isTrue();
            return new CliRun(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        }
    }

    @Test
    void save_fileDeeperThanPathMax_isStoredRestoredAndListedAsUndescribable() throws Exception {
        List<String> make = new ArrayList<>(List.of("make", tree.toString(), "from deep down\n"));
        make.addAll(JavaProcess.fdstore("--socket", fixture.daemon().socket().toString(),
                "save", "--fd", "3", "--name", "deep"));
        try {
            CliRun save = deepFile(make.toArray(String[]::new));
            assertThat(save.exitCode()).as(save.toString()).isZero();
            assertThat(save.stdout()).isEqualTo("saved file id 1\n");

            CliRun restore = fdstore("restore", "deep");
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(restore.stdout()).isEqualTo("file content:\nfrom deep down\n");

            CliRun list = fdstore("list");
            assertThat(list.stdout().lines().filter(l -> l.startsWith("1 ")).findFirst().orElseThrow())
                    .contains("deep").contains(" file ").contains("O_RDWR").endsWith(MARKER);
            CliRun json = fdstore("list", "--json");
            assertThat(json.stdout()).contains("\"kind\":\"file\"").contains("\"target\":\"" + MARKER + "\"");
            CliRun inspect = fdstore("inspect");
            assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
            assertThat(inspect.stdout()).contains(MARKER);
            CliRun inspectJson = fdstore("inspect", "--json");
            assertThat(inspectJson.stdout()).contains("\"target\":\"" + MARKER + "\"");

            CliRun remove = fdstore("remove", "deep");
            assertThat(remove.stdout()).as(remove.toString()).isEqualTo("deleted file id 1\n");
        } finally {
            CliRun removeTree = deepFile("remove", tree.toString());
            assertThat(removeTree.exitCode()).as(removeTree.toString()).isZero();
        }
    }
}

package org.fdstore.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One case of real_programs.py (git, sqlite3, rsync, tar, make, dbench, exec, open flags, mmap, a deep tree, 50,000
 * inodes), run in its own process on one directory: on a plain directory, or through a mount.
 */
final class RealProgram {
    private static final List<String> SCRIPTS = List.of("real_programs.py", "realprog_common.py", "file_cases.py");
    /** Far above any case's run time (the slowest, 50,000 inodes through the mount, takes well under a minute). */
    private static final long TIMEOUT_SECONDS = 300;

    private final Path script;

    private RealProgram(Path script) {
        this.script = script;
    }

    /** Copies the scripts into {@code dir}. */
    static RealProgram install(Path dir) throws IOException {
        for (String name : SCRIPTS) Scripts.copy(name, dir);
        return new RealProgram(dir.resolve(SCRIPTS.getFirst()));
    }

    /**
     * Runs {@code name} in {@code root} (which the case creates), with {@code scratch} (created here) as its plain
     * directory outside the filesystem under test. Returns its outcome lines, then {@code exit: rc=N}; a case still
     * running after the timeout is killed with all its children, and says so.
     */
    Outcomes run(String name, Path root, Path scratch) throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        Path output = scratch.resolve("output.txt");
        Process p = new ProcessBuilder(Scripts.PYTHON, script.toString(), name, root.toString(), scratch.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        String exit;
        if (p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            exit = "exit: rc=" + p.exitValue();
        } else {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            exit = "exit: killed after " + TIMEOUT_SECONDS + " s";
        }
        return Outcomes.parse(name, Files.readString(output, StandardCharsets.UTF_8) + exit + "\n");
    }
}

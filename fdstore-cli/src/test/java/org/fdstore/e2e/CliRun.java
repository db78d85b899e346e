package org.fdstore.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of the fdstore CLI in its own JVM: exit code, stdout and stderr. */
record CliRun(int exitCode, String stdout, String stderr) {
    /** Runs {@code fdstore --socket SOCKET ARGS...} in {@code dir}. */
    static CliRun run(Path dir, Path socket, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString()));
        all.addAll(List.of(args));
        return runRaw(dir, Map.of(), all.toArray(String[]::new));
    }

    /** Runs {@code fdstore ARGS...} in {@code dir} with extra environment variables. */
    static CliRun runRaw(Path dir, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return runRaw(dir, environment, List.of(), args);
    }

    /** Runs {@code fdstore ARGS...} in {@code dir} in a JVM with extra options, such as {@code -Xlog:class+load}. */
    static CliRun runRaw(Path dir, Map<String, String> environment, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(JavaProcess.fdstore(jvmOptions, args)).directory(dir.toFile());
        builder.environment().remove("FDSTORE_SOCKET");
        builder.environment().putAll(environment);
        Process p = builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fdstore " + String.join(" ", args) + " did not exit in 60 s");
        }
        return new CliRun(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}

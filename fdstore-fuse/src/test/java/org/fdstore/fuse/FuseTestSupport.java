package org.fdstore.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.fdstore.linux.Unistd;
import org.junit.jupiter.api.Assumptions;

/** Shared by the tests: the root and /dev/fuse requirement, fd counting, child processes, deadlines. */
public final class FuseTestSupport {
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private FuseTestSupport() {}

    /** Skips unless root with /dev/fuse; under CI=true fails instead, so CI never skips silently. */
    public static void assumeRootWithFuse() {
        boolean ok = Unistd.getuid() == 0 && Files.isWritable(Path.of("/dev/fuse"));
        if ("true".equals(System.getenv("CI"))) {
            assertThat(ok).as("CI=true: FUSE tests must run as root with /dev/fuse").isTrue();
        }
        Assumptions.assumeTrue(ok, "needs root and /dev/fuse; skipped");
    }

    public static int openFds() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }

    /** The output and exit code of a finished child process. */
    public record Result(int exit, String out, String err) {}

    /** Runs {@code command} in a child process, failing the test if it has not finished by the deadline. */
    public static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = start(command);
        return finish(p, command);
    }

    public static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    public static Result finish(Process p, List<String> command) throws IOException, InterruptedException {
        if (!p.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child " + command + " did not finish within " + DEADLINE);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Waits for {@code condition}, failing with {@code what} if the deadline passes first. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long pause = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + DEADLINE + " waiting for " + what);
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 50);
        }
    }
}

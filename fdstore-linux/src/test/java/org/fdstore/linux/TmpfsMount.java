package org.fdstore.linux;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs mounted for a test with mount(8), unmounted by {@link #close()}. Mount(2) bindings live in another class
 * of this module; tests use the command so they depend on nothing but this module's file calls. Needs root.
 */
final class TmpfsMount implements AutoCloseable {
    private final Path target;

    private TmpfsMount(Path target) {
        this.target = target;
    }

    static TmpfsMount at(Path target, String options) throws IOException, InterruptedException {
        run("mount", "-t", "tmpfs", "-o", options, "fdstore-test", target.toString());
        return new TmpfsMount(target);
    }

    Path path() {
        return target;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", target.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        // Inherited output and /dev/null input: no pipes are left open, so fd leak checks stay exact.
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s");
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + " exited " + p.exitValue());
    }
}

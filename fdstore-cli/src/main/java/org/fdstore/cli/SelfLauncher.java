package org.fdstore.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts another {@code fdstore} process of this very build (same java, same class path, same module options), in
 * a session of its own (setsid) so that a terminal's Ctrl-C or hang-up does not reach it, with its output appended to
 * a log file.
 *
 * <p>Thread safe.
 */
final class SelfLauncher {
    private SelfLauncher() {}

    static Process start(Path log, String... args) throws IOException {
        return start(ProcessBuilder.Redirect.appendTo(log.toFile()), args);
    }

    /** As {@link #start(Path, String...)}, with the output going to {@code output} (INHERIT: where ours goes). */
    static Process start(ProcessBuilder.Redirect output, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("setsid");
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // A CLI call runs with C1 only, for start-up time; a server wants the full compiler.
            if (!option.startsWith("-XX:TieredStopAtLevel")) command.add(option);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(output)
                .redirectErrorStream(true)
                .start();
    }
}

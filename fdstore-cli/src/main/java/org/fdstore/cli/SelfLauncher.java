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

    /**
     * The system property naming the AOT cache trained for the daemon (bin/fdstore sets it when the cache is
     * fresh): a daemon started from a CLI call, such as the successor of {@code fdstore upgrade}, uses it instead of
     * the CLI's, which holds none of the serving path's classes.
     */
    static final String DAEMON_AOT_CACHE = "fdstore.daemon.aot-cache";

    /** As {@link #start(Path, String...)}, with the output going to {@code output} (INHERIT: where ours goes). */
    static Process start(ProcessBuilder.Redirect output, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("setsid");
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments(),
                System.getProperty(DAEMON_AOT_CACHE), args));
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

    /**
     * The JVM options of a process running {@code fdstore args}, from this JVM's {@code ours}: without the CLI's
     * C1-only limit (a server wants the full compiler), with {@code daemonCache} (when not null or empty) as the AOT
     * cache of a daemon, and with native access, which fdstore-linux refuses to run without: a JVM started with
     * {@code java -jar} has it from the jar's manifest, which the new process, started with {@code -cp}, does not
     * read.
     */
    static List<String> jvmOptions(List<String> ours, String daemonCache, String... args) {
        boolean daemon = args.length > 0 && args[0].equals("daemon") && daemonCache != null && !daemonCache.isEmpty();
        List<String> options = new ArrayList<>();
        for (String option : ours) {
            if (option.startsWith("-XX:TieredStopAtLevel")) continue;
            options.add(daemon && option.startsWith("-XX:AOTCache=") ? "-XX:AOTCache=" + daemonCache : option);
        }
        if (options.stream().noneMatch(option -> option.startsWith("--enable-native-access"))) {
            options.addFirst("--enable-native-access=ALL-UNNAMED");
        }
        return options;
    }
}

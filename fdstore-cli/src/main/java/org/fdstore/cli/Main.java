package org.fdstore.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.RunLast;

/**
 * The {@code fdstore} command, the project's only {@code main}.
 *
 * <p>Exit codes, after s6's small vocabulary:
 * <ul>
 *   <li>{@code 0}: done;</li>
 *   <li>{@code 1}: the daemon refused the request (its error reply; stderr shows its message and the errno, e.g.
 *       {@code fdstore restore: no entry with id 1 (ENOENT)});</li>
 *   <li>{@code 100}: bad usage (an unknown option, a missing or malformed argument); stderr shows the error and
 *       the usage;</li>
 *   <li>{@code 111}: a system call failed, or the daemon is unreachable or broke the connection (stderr names the
 *       call or socket and the errno).</li>
 * </ul>
 * Errors go to stderr as one line {@code fdstore <command>: <message>}. docs/cli/README.md holds the same list.
 *
 * <p>Not thread safe: {@link #run} serves one command line.
 */
public final class Main {
    private Main() {}

    /** Runs the command line and exits with its code. */
    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    public static void main(String[] args) {
        // Library logs (System.Logger, backed by java.util.logging) as one key=value line each, like the daemon's.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "ts=%1$tFT%1$tT.%1$tL%1$tz level=%4$s logger=%3$s %5$s%6$s%n");
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false,
                StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /**
     * Runs one command line, printing to {@code out} (raw bytes, such as a restored file's content) and
     * {@code err}, both flushed before this returns.
     *
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = commandLine(out, err);
        try {
            return commandLine.execute(args);
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
            out.flush();
            err.flush();
        }
    }

    /** The picocli command line for {@link FdstoreCommand}, wired to the exit codes and streams. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        FdstoreCommand root = new FdstoreCommand(out);
        CommandLine commandLine = new CommandLine(root);
        // getopt lets a flag repeat, and the RFC flags -r and -d are meant to.
        commandLine.setOverwrittenOptionsAllowed(true);
        // exec COMMAND ARGS: the first positional ends fdstore's options, as with env(1) and systemd-run.
        commandLine.getSubcommands().get("exec").setStopAtPositional(true);
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        ErrorReporter reporter = new ErrorReporter();
        commandLine.setParameterExceptionHandler(reporter);
        commandLine.setExecutionExceptionHandler(reporter);
        commandLine.setExecutionStrategy(parseResult -> {
            if (parseResult.hasSubcommand() && root.hasRfcFlags()) {
                throw new ParameterException(commandLine,
                        "the RFC flags -s, -f, -r and -d do not combine with a command");
            }
            return new RunLast().execute(parseResult);
        });
        return commandLine;
    }
}

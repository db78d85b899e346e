package org.fdstore.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

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
 * <p>{@link FastParser} reads the frequent command lines without loading picocli, which costs a short command most of
 * its start-up; picocli reads the others, and prints help and usage errors.
 *
 * <p>Not thread safe: {@link #run} serves one command line.
 */
public final class Main {
    private Main() {}

    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        int code = runOnStandardStreams(args);
        // System.exit first asks for the logger of Runtime.exit (JDK 21+), and the JVM's first logger lookup reads
        // every jar of the class path for a LoggerFinder service: ~15 ms of a short command, which registers no
        // shutdown hook and whose output run() has flushed. The daemon and the rare commands exit as ever.
        if (isShortCommand(args)) Runtime.getRuntime().halt(code);
        System.exit(code);
    }

    /** Whether {@code args} is a line {@link FastParser} reads, other than {@code daemon}: a short command. */
    static boolean isShortCommand(String[] args) {
        FastParser.Parsed parsed = FastParser.parse(args, new FdstoreCommand(System.out));
        return parsed != null && !"daemon".equals(parsed.command());
    }

    /** Runs one command line as {@link #main} does, printing to this process's stdout and stderr; the exit code. */
    static int runOnStandardStreams(String[] args) {
        // Library logs (System.Logger, backed by java.util.logging) as one key=value line each, like the daemon's.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "ts=%1$tFT%1$tT.%1$tL%1$tz level=%4$s logger=%3$s %5$s%6$s%n");
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false,
                StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        return run(args, out, err);
    }

    /**
     * Runs one command line, printing to {@code out} (raw bytes, such as a restored file's content) and
     * {@code err}, both flushed before this returns.
     *
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        FastParser.Parsed parsed = FastParser.parse(args, new FdstoreCommand(out));
        return parsed == null ? runWithPicocli(args, out, err) : runParsed(parsed, out, err);
    }

    /**
     * Runs what {@link FastParser} read, without loading picocli unless the command reports a usage error (whose
     * usage text is picocli's); its errors print as those of {@link #runWithPicocli}, byte for byte.
     */
    private static int runParsed(FastParser.Parsed parsed, PrintStream out, PrintStream err) {
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return parsed.call().call();
        } catch (UsageException e) {
            CommandLine root = commandLine(out, err);
            CommandLine command = parsed.command() == null ? root : root.getSubcommands().get(parsed.command());
            return ErrorReporter.usageError(command, e.getMessage(), null);
        } catch (Exception e) {
            return CommandFailure.report(e, parsed.qualifiedName(), errWriter);
        } finally {
            errWriter.flush();
            out.flush();
            err.flush();
        }
    }

    /** Runs one command line with picocli: what {@link FastParser} leaves to it, such as help and usage errors. */
    static int runWithPicocli(String[] args, PrintStream out, PrintStream err) {
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
        // Kept out of this class, which runs without picocli: checking the types the wiring passes would load it.
        ErrorReporter.attach(commandLine, root);
        return commandLine;
    }
}

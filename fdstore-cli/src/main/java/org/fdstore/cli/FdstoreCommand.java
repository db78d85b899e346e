package org.fdstore.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.Restored;
import org.fdstore.client.TrustedUids;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.Selector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code fdstore} root command: holds the global options, dispatches to the subcommands, and by itself runs the
 * flags of the kernel RFC's test program.
 *
 * <p>The RFC flags ({@code -s}, {@code -f FILE}, {@code -r ID}, {@code -d ID}) may be combined as with getopt:
 * {@code -r} and {@code -d} run in the order given, then {@code -s}, then the content of the last restored file is
 * printed. The lines printed are the RFC program's. Unlike it, the first failure stops the run, is reported on
 * stderr and makes the exit code non-zero; and the content is read with pread(2), so the file offset that every
 * holder of the open file shares does not move (the RFC program lseeks to 0).
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "fdstore",
        description = "Keep open file descriptors in the fdstore daemon and get them back in any process.",
        customSynopsis = {
            "fdstore [-sh] [-d ID] [-f FILE] [-r ID] [--socket PATH] [--daemon-uid UID]",
            "       fdstore [--socket PATH] [--daemon-uid UID] COMMAND [ARGS...]"},
        subcommands = {DaemonCommand.class, SaveCommand.class, RestoreCommand.class, RemoveCommand.class,
            TakeCommand.class, ListCommand.class, InspectCommand.class, DropCommand.class, StatusCommand.class,
            MetricsCommand.class, UpgradeCommand.class, FsCommand.class, ExecCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 refused by the daemon, 100 bad usage, 111 a system call failed or the"
            + " daemon is unreachable."})
public final class FdstoreCommand implements Callable<Integer> {
    /** The file {@code -s} and {@code save} open when none is named, as in the RFC program. */
    static final String DEFAULT_FILE = "foobar";

    private final PrintStream out;

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The daemon's socket. Default: $FDSTORE_SOCKET, else /run/fdstore/fdstore.sock for root"
                    + " and $XDG_RUNTIME_DIR/fdstore.sock for others.")
    String socket;

    @Option(names = "--daemon-uid", paramLabel = "UID", scope = ScopeType.INHERIT,
            description = "Also trust a daemon running as UID; by default a command talks only to a daemon of root or"
                    + " of your own uid, and refuses any other before sending it anything (exit 111)."
                    + " Default: $FDSTORE_DAEMON_UID.")
    Integer daemonUid;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
    boolean help;

    @Option(names = "-s", description = "Open FILE (default foobar) read-write, creating it, and save its fd.")
    boolean save;

    @Option(names = "-f", paramLabel = "FILE", description = "The file -s opens.")
    String file;

    /** The -r and -d flags, in command-line order. */
    private final List<RfcStep> steps = new ArrayList<>();

    /** One -r (restore) or -d (delete) flag. */
    record RfcStep(boolean restore, Selector selector) {}

    /** A root command whose subcommands print to {@code out}. */
    public FdstoreCommand(PrintStream out) {
        this.out = out;
    }

    @Option(names = "-r", paramLabel = "ID", converter = SelectorConverter.class,
            description = "Restore the fd with this id and print the file's content at the end.")
    void restoreFlag(Selector selector) {
        steps.add(new RfcStep(true, selector));
    }

    @Option(names = "-d", paramLabel = "ID", converter = SelectorConverter.class,
            description = "Delete the entry with this id.")
    void deleteFlag(Selector selector) {
        steps.add(new RfcStep(false, selector));
    }

    /** The -r and -d flags given, in command-line order. */
    List<RfcStep> rfcSteps() {
        return List.copyOf(steps);
    }

    /** Where commands print: raw bytes, flushed by {@link Main}. */
    PrintStream out() {
        return out;
    }

    /**
     * Connects to the daemon named by {@code --socket}, else by the environment, if it runs as root, as this uid or
     * as {@code --daemon-uid} (else {@code $FDSTORE_DAEMON_UID}).
     */
    FdStore connect() throws FdStoreException {
        return FdStore.connect(socket, daemonUid());
    }

    /** {@code --daemon-uid}, or {@link TrustedUids#NONE} for the environment's. */
    int daemonUid() {
        return daemonUid == null ? TrustedUids.NONE : daemonUid;
    }

    /** The global options that choose and trust the daemon, for a process this one starts: --socket, --daemon-uid. */
    List<String> daemonOptions(String socketPath) {
        List<String> options = new ArrayList<>(List.of("--socket", socketPath));
        if (daemonUid != null) options.addAll(List.of("--daemon-uid", Integer.toUnsignedString(daemonUid)));
        return options;
    }

    /** Whether any RFC flag was given, which a subcommand does not take. */
    boolean hasRfcFlags() {
        return save || file != null || !steps.isEmpty();
    }

    @Override
    public Integer call() throws IOException {
        if (!hasRfcFlags()) throw new UsageException("no command given");
        if (file != null && !save) throw new UsageException("-f FILE names the file for -s, which is missing");
        List<Restored> restored = new ArrayList<>();
        try (FdStore store = connect()) {
            for (RfcStep step : steps) {
                if (step.restore()) {
                    Restored r = store.restore(step.selector());
                    restored.add(r);
                    out.println("restored " + r.entry().kind().label() + " fd " + r.fd().number() + " with id "
                            + Long.toUnsignedString(r.entry().id()));
                } else {
                    out.println("deleted file id " + Long.toUnsignedString(store.remove(step.selector())));
                }
            }
            if (save) {
                String path = file == null ? DEFAULT_FILE : file;
                try (Fd fd = Fcntl.open(path, Fcntl.O_RDWR | Fcntl.O_CREAT, 0666)) {
                    out.println("saved file id " + Long.toUnsignedString(store.save(fd)));
                }
            }
            if (!restored.isEmpty() && RestoredReport.isReadableFile(restored.getLast().entry())) {
                out.println("file content:");
                RestoredReport.printContent(restored.getLast().fd(), out);
            }
        } finally {
            restored.forEach(Restored::close);
        }
        return ExitCodes.OK;
    }
}

package org.fdstore.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.DaemonStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore status [--json]}: what the daemon says about itself, one {@code key: value} line per pair in the
 * daemon's order, or a JSON object ({@link StatusJson}).
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "status", description = "Show which process serves the store and which stands by, the entry and fd"
        + " counts, and the last handover or failover.")
public final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    FdstoreCommand root;

    @Option(names = "--json", description = "Print one JSON object instead of key: value lines.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        DaemonStatus status;
        try (FdStore store = root.connect()) {
            status = store.status();
        }
        root.out().print(json ? StatusJson.format(status) : lines(status));
        return ExitCodes.OK;
    }

    /** One {@code key: value} line per pair, in the daemon's order. */
    static String lines(DaemonStatus status) {
        StringBuilder out = new StringBuilder();
        for (DaemonStatus.Field f : status.fields()) {
            out.append(f.key()).append(": ").append(EntryTable.printable(f.value())).append('\n');
        }
        return out.toString();
    }
}

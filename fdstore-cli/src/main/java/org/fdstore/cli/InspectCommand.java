package org.fdstore.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.InspectInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore inspect [--json]}: for each entry you may inspect, what its fd pins (path, mount, device and inode,
 * socket and peer, pipe, /dev/fuse connection), its owner, namespace, age and lifetime ({@link InspectReport}).
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "inspect", description = "Show what each entry pins (mount, device and inode, socket and peer,"
        + " pipe, /dev/fuse), its owner, namespace, age and lifetime.")
public final class InspectCommand implements Callable<Integer> {
    @ParentCommand
    FdstoreCommand root;

    @Option(names = "--json", description = "Print a JSON array of objects instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<InspectInfo> entries;
        try (FdStore store = root.connect()) {
            entries = store.inspect();
        }
        long now = System.currentTimeMillis();
        root.out().print(json ? InspectReport.json(entries, now) : InspectReport.table(entries, now));
        return ExitCodes.OK;
    }
}

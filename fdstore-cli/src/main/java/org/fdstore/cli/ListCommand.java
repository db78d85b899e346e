package org.fdstore.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.EntryInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore list [--json]}: describes every entry, as a table ({@link EntryTable}) or as JSON
 * ({@link EntryJson}).
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "list", description = "Describe every entry of the store.")
public final class ListCommand implements Callable<Integer> {
    @ParentCommand
    FdstoreCommand root;

    @Option(names = "--json", description = "Print a JSON array of objects instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<EntryInfo> entries;
        String viewer;
        try (FdStore store = root.connect()) {
            entries = store.list();
            viewer = store.defaultNamespace();
        }
        root.out().print(json ? EntryJson.format(entries, viewer) : EntryTable.format(entries, viewer));
        return ExitCodes.OK;
    }
}

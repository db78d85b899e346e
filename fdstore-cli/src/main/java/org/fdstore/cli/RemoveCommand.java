package org.fdstore.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore remove ID|NAME}: drops an entry, and prints {@code deleted file id N}.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "remove", description = "Remove an entry; the daemon closes its fd. Restored fds stay open.")
public final class RemoveCommand implements Callable<Integer> {
    @ParentCommand
    FdstoreCommand root;

    @Mixin
    EntryArgument entry;

    @Override
    public Integer call() throws IOException {
        try (FdStore store = root.connect()) {
            root.out().println("deleted file id " + Long.toUnsignedString(store.remove(entry.selector)));
        }
        return ExitCodes.OK;
    }
}

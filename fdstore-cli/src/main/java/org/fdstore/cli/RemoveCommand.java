package org.fdstore.cli;

import java.io.IOException;
import org.fdstore.client.FdStore;
import picocli.CommandLine.Command;

/**
 * {@code fdstore remove ID|NAME}: drops an entry, and prints {@code deleted file id N}.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "remove", description = "Remove an entry; the daemon closes its fd. Restored fds stay open.")
public final class RemoveCommand extends EntryCommand {
    @Override
    public Integer call() throws IOException {
        try (FdStore store = root.connect()) {
            root.out().println("deleted file id " + Long.toUnsignedString(store.remove(entry.selector)));
        }
        return ExitCodes.OK;
    }
}

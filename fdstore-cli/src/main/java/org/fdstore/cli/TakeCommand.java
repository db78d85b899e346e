package org.fdstore.cli;

import java.io.IOException;
import org.fdstore.client.FdStore;
import org.fdstore.client.Restored;
import picocli.CommandLine.Command;

/**
 * {@code fdstore take ID|NAME}: gets a stored descriptor and removes its entry in one step, prints what
 * {@code restore} prints, then {@code deleted file id N}.
 *
 * <p>When a file's content does not end with a newline, one is added so that the last line stays on its own.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "take", description = "Restore an fd and remove its entry atomically; print what restore"
        + " prints, then the removed id.")
public final class TakeCommand extends EntryCommand {
    @Override
    public Integer call() throws IOException {
        try (FdStore store = root.connect(); Restored taken = store.take(entry.selector)) {
            if (!RestoredReport.print(taken, root.out())) root.out().println();
            root.out().println("deleted file id " + Long.toUnsignedString(taken.entry().id()));
        }
        return ExitCodes.OK;
    }
}

package org.fdstore.cli;

import java.io.IOException;
import org.fdstore.client.FdStore;
import org.fdstore.client.Restored;
import picocli.CommandLine.Command;

/**
 * {@code fdstore restore ID|NAME}: gets a stored descriptor and shows what it holds; the entry stays.
 *
 * <p>A readable regular file prints {@code file content:} and its bytes from offset 0, read with pread(2) so that
 * the file offset shared with every other holder does not move (the RFC program lseeks instead). Anything else
 * prints {@code restored <kind> fd F with id N: <target>}. The descriptor is closed before exit.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "restore", description = "Restore an fd and print a readable file's content from offset 0"
        + " (without moving the shared offset), or else what the fd refers to. The entry stays.")
public final class RestoreCommand extends EntryCommand {
    @Override
    public Integer call() throws IOException {
        try (FdStore store = root.connect(); Restored restored = store.restore(entry.selector)) {
            RestoredReport.print(restored, root.out());
        }
        return ExitCodes.OK;
    }
}

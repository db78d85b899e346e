package org.fdstore.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore metrics}: the daemon's metrics in the Prometheus text format, the text its {@code --metrics}
 * endpoint serves, read over the store socket.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "metrics", description = "Print the daemon's metrics in the Prometheus text format, as its --metrics"
        + " endpoint serves them, read over the store socket (root and the admin group only).")
public final class MetricsCommand implements Callable<Integer> {
    @ParentCommand
    FdstoreCommand root;

    @Override
    public Integer call() throws IOException {
        String text;
        try (FdStore store = root.connect()) {
            text = store.metrics();
        }
        root.out().print(text);
        return ExitCodes.OK;
    }
}

package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.passthrough.FsControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore fs upgrade MOUNTPOINT}: replaces the serving process with one of the current build, with no failed
 * request, and prints {@code upgraded MOUNTPOINT pid OLD -> NEW}.
 */
@Command(name = "upgrade", description = "Hand the mount over to a new daemon process of the current build.")
public final class FsUpgradeCommand implements Callable<Integer> {
    @ParentCommand
    FsCommand fs;

    @Parameters(paramLabel = "MOUNTPOINT")
    Path mountpoint;

    @Option(names = "--readers", defaultValue = "4", description = "Reader threads of the new daemon (default 4).")
    int readers;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path where = mountpoint.toAbsolutePath().normalize();
        try (FdStore store = fs.connect()) {
            int[] pids = FsControl.upgrade(where, store, fs.standbyStarter(where, readers, true));
            fs.root.out().println("upgraded " + where + " pid " + pids[0] + " -> " + pids[1]);
        }
        return ExitCodes.OK;
    }
}

package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fdstore.passthrough.FsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fdstore fs standby MOUNTPOINT}: the warm standby a serving process keeps; takes over when it dies. */
@Command(name = "standby", hidden = true, description = "Stand by to take a mount over (started by the server).")
public final class FsStandbyCommand implements Callable<Integer> {
    @ParentCommand
    FsCommand fs;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT")
    Path mountpoint;

    @Option(names = "--readers", defaultValue = "4")
    int readers;

    @Option(names = "--for-upgrade", description = "Started by fs upgrade: displace any other standby.")
    boolean forUpgrade;

    @Override
    public Integer call() throws IOException, InterruptedException {
        FsServer.standby(mountpoint, readers, fs.socket(), fs.root.daemonUid(),
                fs.standbyStarter(mountpoint, readers, false), forUpgrade);
        return ExitCodes.OK;
    }
}

package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fdstore.passthrough.FsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fdstore fs serve SOURCE MOUNTPOINT}: the serving process that {@code fs mount} starts. */
@Command(name = "serve", hidden = true, description = "Serve a mount in this process (started by fs mount).")
public final class FsServeCommand implements Callable<Integer> {
    @ParentCommand
    FsCommand fs;

    @Parameters(index = "0", paramLabel = "SOURCE")
    Path source;

    @Parameters(index = "1", paramLabel = "MOUNTPOINT")
    Path mountpoint;

    @Option(names = "--readers", defaultValue = "4")
    int readers;

    @Option(names = "--no-standby")
    boolean noStandby;

    @Mixin
    FsMountOptions options;

    @Override
    public Integer call() throws IOException, InterruptedException {
        FsServer.serve(source, mountpoint, readers, options.toMountOptions(), options.kernelPassthrough(), fs.socket(), fs.root.daemonUid(),
                noStandby ? null : fs.standbyStarter(mountpoint, readers, false));
        return ExitCodes.OK;
    }
}

package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.passthrough.FsControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fdstore fs umount MOUNTPOINT}: unmounts, stops its processes, releases every stored entry of the mount. */
@Command(name = "umount", description = "Unmount, stop the serving and standby processes, and release the mount's"
        + " entries in the store.")
public final class FsUmountCommand implements Callable<Integer> {
    @ParentCommand
    FsCommand fs;

    @Parameters(paramLabel = "MOUNTPOINT")
    Path mountpoint;

    @Override
    public Integer call() throws IOException, InterruptedException {
        try (FdStore store = fs.connect()) {
            int released = FsControl.unmount(mountpoint.toAbsolutePath().normalize(), store);
            fs.root.out().println("unmounted " + mountpoint.toAbsolutePath().normalize() + " released=" + released);
        }
        return ExitCodes.OK;
    }
}

package org.fdstore.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.passthrough.FsControl;
import org.fdstore.passthrough.FsStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fdstore fs status MOUNTPOINT}: key=value lines about a mount and the processes behind it. */
@Command(name = "status", description = "Print key=value lines: pid, standby, source, nodes, open_handles, failovers,"
        + " upgrades...")
public final class FsStatusCommand implements Callable<Integer> {
    @ParentCommand
    FsCommand fs;

    @Parameters(paramLabel = "MOUNTPOINT")
    Path mountpoint;

    @Override
    public Integer call() throws IOException {
        try (FdStore store = fs.connect()) {
            FsStatus s = FsControl.status(mountpoint, store);
            PrintStream out = fs.root.out();
            out.println("mountpoint=" + s.mountpoint());
            out.println("source=" + s.source());
            out.println("pid=" + (s.pid() == 0 ? "none" : s.pid()));
            out.println("standby=" + (s.standby() == 0 ? "none" : s.standby()));
            out.println("nodes=" + s.nodes());
            out.println("open_handles=" + s.openHandles());
            out.println("failovers=" + s.failovers());
            out.println("upgrades=" + s.upgrades());
            out.println("last_takeover=" + (s.lastTakeoverMillis() == 0 ? "never" : Instant.ofEpochMilli(s.lastTakeoverMillis())));
            out.println("namespace=" + s.namespace());
        }
        return ExitCodes.OK;
    }
}

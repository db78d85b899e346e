package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.linux.Errno;
import org.fdstore.linux.LinuxException;
import org.fdstore.passthrough.FsControl;
import org.fdstore.passthrough.FsServer;
import org.fdstore.passthrough.FsStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore fs mount SOURCE MOUNTPOINT}: mirrors SOURCE on MOUNTPOINT. Starts the serving process in the
 * background (and its standby), waits until the mount answers, and prints {@code mounted SOURCE on MOUNTPOINT
 * pid=N}.
 */
@Command(name = "mount", description = "Mount a passthrough mirror of SOURCE on MOUNTPOINT, served in the background"
        + " with a warm standby; its state lives in the fd store.")
public final class FsMountCommand implements Callable<Integer> {
    private static final long READY_TIMEOUT_NANOS = 60_000_000_000L;

    @ParentCommand
    FsCommand fs;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The directory to mirror.")
    Path source;

    @Parameters(index = "1", paramLabel = "MOUNTPOINT", description = "An empty directory to mount on.")
    Path mountpoint;

    @Option(names = "--readers", paramLabel = "N", defaultValue = "4", description = "Reader threads (default 4).")
    int readers;

    @Option(names = "--no-standby", description = "Run no warm standby: a dead daemon is then not replaced.")
    boolean noStandby;

    @Option(names = "--foreground", description = "Serve in this process instead of in the background.")
    boolean foreground;

    @Mixin
    FsMountOptions options;

    @Override
    public Integer call() throws IOException, InterruptedException {
        for (Path dir : List.of(source, mountpoint)) {
            if (!Files.isDirectory(dir)) {
                throw new LinuxException("fs mount " + dir, Errno.ENOTDIR, "SOURCE and MOUNTPOINT must be directories");
            }
        }
        Path where = mountpoint.toAbsolutePath().normalize();
        if (foreground) {
            FsServer.serve(source, where, readers, options.toMountOptions(), options.kernelPassthrough(), fs.socket(), fs.root.daemonUid(),
                    noStandby ? null : fs.standbyStarter(where, readers, false));
            return ExitCodes.OK;
        }
        List<String> args = new java.util.ArrayList<>(fs.root.daemonOptions(fs.socket()));
        args.addAll(List.of("fs", "serve", "--readers", Integer.toString(readers)));
        if (noStandby) args.add("--no-standby");
        args.addAll(options.asArguments());
        args.add(source.toAbsolutePath().toString());
        args.add(where.toString());
        Process server = SelfLauncher.start(fs.logFile(where), args.toArray(String[]::new));
        long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        try (FdStore store = fs.connect()) {
            while (true) {
                if (!server.isAlive()) {
                    throw new IOException("the serving process exited with status " + server.exitValue()
                            + "; see " + fs.logFile(where));
                }
                FsStatus status = statusOrNull(where, store);
                if (status != null && status.pid() == server.pid()) {
                    fs.root.out().println("mounted " + source.toAbsolutePath() + " on " + where + " pid=" + server.pid());
                    return ExitCodes.OK;
                }
                if (System.nanoTime() > deadline) throw new IOException("the mount did not come up in 60 s; see " + fs.logFile(where));
                Thread.sleep(10);
            }
        }
    }

    private static FsStatus statusOrNull(Path where, FdStore store) throws IOException {
        try {
            return FsControl.status(where, store);
        } catch (FdStoreException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
    }
}

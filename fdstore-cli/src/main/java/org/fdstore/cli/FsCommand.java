package org.fdstore.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.passthrough.MountId;
import org.fdstore.passthrough.StandbyStarter;
import org.fdstore.protocol.SocketPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore fs}: the restartable passthrough filesystem, whose state lives in the fd store so that its daemon
 * can be upgraded or killed while the mount stays up.
 */
@Command(name = "fs", description = "A passthrough FUSE filesystem that survives the upgrade or kill -9 of its daemon.",
        subcommands = {FsMountCommand.class, FsUmountCommand.class, FsStatusCommand.class, FsUpgradeCommand.class,
            FsServeCommand.class, FsStandbyCommand.class})
public final class FsCommand {
    @ParentCommand
    FdstoreCommand root;

    /** The fd store's socket these commands use. */
    String socket() {
        return SocketPath.resolve(root.socket);
    }

    /** Connects to the fd store these commands use, trusting its daemon as {@link FdstoreCommand#connect} does. */
    FdStore connect() throws FdStoreException {
        return FdStore.connect(socket(), root.daemonUid());
    }

    /** Where the background processes of a mount log: beside the store's socket. */
    Path logFile(Path mountpoint) {
        Path dir = Path.of(socket()).toAbsolutePath().getParent();
        return dir.resolve("fs-" + MountId.of(mountpoint).namespace() + ".log");
    }

    /** Starts standbys for {@code mountpoint} from this build; an upgrade's standby displaces any other. */
    StandbyStarter standbyStarter(Path mountpoint, int readers, boolean forUpgrade) {
        List<String> args = new ArrayList<>(root.daemonOptions(socket()));
        args.addAll(List.of("fs", "standby", "--readers", Integer.toString(readers)));
        if (forUpgrade) args.add("--for-upgrade");
        args.add(mountpoint.toAbsolutePath().toString());
        return () -> SelfLauncher.start(logFile(mountpoint), args.toArray(String[]::new));
    }
}

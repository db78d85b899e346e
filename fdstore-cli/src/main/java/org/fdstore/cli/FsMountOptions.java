package org.fdstore.cli;

import java.util.ArrayList;
import java.util.List;
import org.fdstore.fuse.MountOptions;
import picocli.CommandLine.Option;

/** The mount options {@code fs mount} takes and hands on to its serving process (a picocli mixin). */
public final class FsMountOptions {
    @Option(names = "--dev", description = "Let device nodes on the mount be opened (like fuse -o dev); off by default.")
    boolean devices;

    @Option(names = "--suid", description = "Honour set-user-id bits (like fuse -o suid); off by default.")
    boolean setuid;

    MountOptions toMountOptions() {
        MountOptions options = MountOptions.defaults();
        if (devices) options = options.withDevices();
        if (setuid) options = options.withSetuid();
        return options;
    }

    List<String> asArguments() {
        List<String> args = new ArrayList<>();
        if (devices) args.add("--dev");
        if (setuid) args.add("--suid");
        return args;
    }
}

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

    @Option(names = "--no-passthrough", description = "Serve every read and write in the daemon instead of letting"
            + " the kernel pass them to the source file (FUSE passthrough); for sources the kernel cannot pass"
            + " through to, and for comparison.")
    boolean noPassthrough;

    boolean kernelPassthrough() {
        return !noPassthrough;
    }

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
        if (noPassthrough) args.add("--no-passthrough");
        return args;
    }
}

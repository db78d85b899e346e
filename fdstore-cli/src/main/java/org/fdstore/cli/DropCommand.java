package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.DropTarget;
import org.fdstore.protocol.Selector;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fdstore drop --mount PATH | --uid N | --namespace NS | --id N}: closes the matching entries you may drop,
 * and prints {@code dropped N entries}, so that, for example, a umount blocked by stored fds can proceed.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "drop", description = "Close every entry that pins a mount, was saved by a uid, lives in a"
        + " namespace, or has an id; print how many.")
public final class DropCommand implements Callable<Integer> {
    @ParentCommand
    FdstoreCommand root;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** Exactly one of the selectors. */
    static final class Target {
        @Option(names = "--mount", paramLabel = "PATH",
                description = "Entries opened through the mount at PATH or a mount below it.")
        String mount;

        @Option(names = "--uid", paramLabel = "N", description = "Entries saved by processes of uid N.")
        Long uid;

        @Option(names = "--namespace", paramLabel = "NS", description = "The entries of namespace NS.")
        String namespace;

        @Option(names = "--id", paramLabel = "N", converter = SelectorConverter.class,
                description = "The entry with id N.")
        Selector id;
    }

    @Override
    public Integer call() throws IOException {
        DropTarget dropTarget = dropTarget();
        int count;
        try (FdStore store = root.connect()) {
            count = store.drop(dropTarget);
        }
        root.out().println("dropped " + Integer.toUnsignedString(count) + (count == 1 ? " entry" : " entries"));
        return ExitCodes.OK;
    }

    private DropTarget dropTarget() {
        if (target.mount != null) return new DropTarget.Mount(absolute(target.mount));
        if (target.namespace != null) return new DropTarget.Namespace(target.namespace);
        if (target.uid != null) {
            if (target.uid < 0 || target.uid > 0xFFFF_FFFFL) {
                throw new ParameterException(spec.commandLine(),
                        "--uid " + target.uid + " is not a uid (0 to 4294967295)");
            }
            return new DropTarget.Uid((int) (long) target.uid);
        }
        if (!(target.id instanceof Selector.ById byId)) {
            throw new ParameterException(spec.commandLine(),
                    "--id takes a number; to drop by name, use remove NAME");
        }
        return new DropTarget.Id(byId.id());
    }

    /** PATH made absolute and, if it exists, free of symbolic links, as umount(8) resolves it. */
    static String absolute(String path) {
        Path p = Path.of(path).toAbsolutePath().normalize();
        try {
            if (Files.exists(p)) p = p.toRealPath();
        } catch (IOException e) {
            // Keep the normalized path: the daemon will say if it is no mount point.
        }
        return p.toString();
    }
}

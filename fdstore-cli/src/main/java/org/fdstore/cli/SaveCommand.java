package org.fdstore.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.client.SaveOptions;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.protocol.Limits;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore save [-f FILE | --fd N] [--name NAME] [--meta TEXT] [--namespace NS] [--ttl DURATION]
 * [--owner-bound [--grace DURATION]] [--keep-on-hangup]}: saves a file's descriptor, or one this process inherited,
 * and prints {@code saved file id N}.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "save", description = "Save an fd and print its id: FILE (default foobar) opened read-write and"
        + " created with mode 0666, or this process's inherited descriptor N, as in: fdstore save --fd 3 3<file")
public final class SaveCommand implements Callable<Integer> {
    @ParentCommand
    FdstoreCommand root;

    @ArgGroup(exclusive = true)
    Source source;

    @Option(names = "--name", paramLabel = "NAME", description = "A unique name for the entry.")
    String name;

    @Option(names = "--meta", paramLabel = "TEXT", description = "Up to 64 KiB of text kept with the entry.")
    String meta;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "The namespace to save in. Default: that of NAME if it is NS/NAME, else yours (uid.UID).")
    String namespace;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Close the entry this long after saving: 500ms, 30s, 5m, 2h, 1d, 1h30m.")
    Duration ttl;

    @Option(names = "--owner-bound",
            description = "Release the entry once this process has exited and nobody restored it within --grace.")
    boolean ownerBound;

    @Option(names = "--grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --owner-bound: how long a restore may still claim the entry (default 10s).")
    Duration grace;

    @Option(names = "--keep-on-hangup",
            description = "Keep the entry when its fd reports POLLHUP or POLLERR (by default it is dropped).")
    boolean keepOnHangup;

    /** The grace of --owner-bound when --grace is not given. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    /** Where the descriptor comes from: a file to open, or an inherited number. */
    static final class Source {
        @Option(names = "-f", paramLabel = "FILE", description = "The file to open (default foobar).")
        String file;

        @Option(names = "--fd", paramLabel = "N", description = "An inherited descriptor; a duplicate is saved.")
        Integer fd;
    }

    @Override
    public Integer call() throws IOException {
        byte[] metadata = meta == null ? null : meta.getBytes(StandardCharsets.UTF_8);
        if (metadata != null && metadata.length > Limits.MAX_METADATA) {
            throw new UsageException("--meta holds " + metadata.length + " bytes of UTF-8, more than "
                    + Limits.MAX_METADATA);
        }
        SaveOptions options = options();
        try (Fd fd = open(); FdStore store = root.connect()) {
            long id = store.save(fd, name, metadata, options);
            root.out().println("saved file id " + Long.toUnsignedString(id));
        }
        return ExitCodes.OK;
    }

    /** The namespace and lifetime options, checked. */
    SaveOptions options() {
        if (grace != null && !ownerBound) {
            throw new UsageException("--grace needs --owner-bound");
        }
        try {
            SaveOptions options = SaveOptions.DEFAULT;
            if (namespace != null) options = options.withNamespace(namespace);
            if (ttl != null) options = options.withTtl(ttl);
            if (ownerBound) options = options.withOwnerBound(grace == null ? DEFAULT_GRACE : grace);
            if (keepOnHangup) options = options.withKeepOnHangup();
            return options;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private Fd open() throws LinuxException {
        if (source == null || source.fd == null) {
            String file = source == null || source.file == null ? FdstoreCommand.DEFAULT_FILE : source.file;
            return Fcntl.open(file, Fcntl.O_RDWR | Fcntl.O_CREAT, 0666);
        }
        if (source.fd < 0) throw new UsageException("--fd " + source.fd + " is negative");
        // Checked before adopting: closing an Fd for a number that is not open could close one opened meanwhile.
        if (!Files.exists(Path.of("/proc/self/fd/" + source.fd), LinkOption.NOFOLLOW_LINKS)) {
            throw new LinuxException("fd " + source.fd, Errno.EBADF, "not open in this process");
        }
        // A duplicate is saved and closed; the number itself stays open until exit. Had the user named one of the
        // JVM's own descriptors (--fd 3 without 3<file), closing it would crash the JVM.
        return Fd.adopt(source.fd).duplicate();
    }
}

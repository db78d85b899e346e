package org.fdstore.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.protocol.Limits;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fdstore save [-f FILE | --fd N] [--name NAME] [--meta TEXT]}: saves a file's descriptor, or one this
 * process inherited, and prints {@code saved file id N}.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "save", description = "Save an fd and print its id: FILE (default foobar) opened read-write and"
        + " created with mode 0666, or this process's inherited descriptor N, as in: fdstore save --fd 3 3<file")
public final class SaveCommand implements Callable<Integer> {
    @ParentCommand
    FdstoreCommand root;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    Source source;

    @Option(names = "--name", paramLabel = "NAME", description = "A unique name for the entry.")
    String name;

    @Option(names = "--meta", paramLabel = "TEXT", description = "Up to 64 KiB of text kept with the entry.")
    String meta;

    /** Where the descriptor comes from: a file to open, or an inherited number. */
    static final class Source {
        @Option(names = "-f", paramLabel = "FILE", description = "The file to open (default foobar).")
        String file;

        @Option(names = "--fd", paramLabel = "N", description = "An inherited descriptor; it is closed after.")
        Integer fd;
    }

    @Override
    public Integer call() throws IOException {
        byte[] metadata = meta == null ? null : meta.getBytes(StandardCharsets.UTF_8);
        if (metadata != null && metadata.length > Limits.MAX_METADATA) {
            throw new ParameterException(spec.commandLine(), "--meta holds " + metadata.length
                    + " bytes of UTF-8, more than " + Limits.MAX_METADATA);
        }
        try (Fd fd = open(); FdStore store = root.connect()) {
            long id = store.save(fd, name, metadata);
            root.out().println("saved file id " + Long.toUnsignedString(id));
        }
        return ExitCodes.OK;
    }

    private Fd open() throws LinuxException {
        if (source == null || source.fd == null) {
            String file = source == null || source.file == null ? FdstoreCommand.DEFAULT_FILE : source.file;
            return Fcntl.open(file, Fcntl.O_RDWR | Fcntl.O_CREAT, 0666);
        }
        if (source.fd < 0) throw new ParameterException(spec.commandLine(), "--fd " + source.fd + " is negative");
        // Checked before adopting: closing an Fd for a number that is not open could close one opened meanwhile.
        if (!Files.exists(Path.of("/proc/self/fd/" + source.fd), LinkOption.NOFOLLOW_LINKS)) {
            throw new LinuxException("fd " + source.fd, Errno.EBADF, "not open in this process");
        }
        return Fd.adopt(source.fd);
    }
}

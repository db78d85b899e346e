package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fdstore.daemon.Daemon;
import org.fdstore.daemon.DaemonConfig;
import org.fdstore.protocol.SocketPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/** {@code fdstore daemon}: serves the store in the foreground, logging key=value lines to stderr, until SIGTERM. */
@Command(name = "daemon", description = "Serve the store in the foreground until SIGTERM; logs go to stderr.")
public final class DaemonCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OptionSpec socketOption = spec.findOption("--socket");
        String explicit = socketOption == null ? null : socketOption.getValue();
        Path socket = Path.of(SocketPath.resolve(explicit));
        try {
            new Daemon(DaemonConfig.at(socket), System.err).serve();
            return ExitCodes.OK;
        } catch (IOException e) {
            System.err.println("fdstore daemon: " + e.getMessage());
            return ExitCodes.SYSTEM_CALL_FAILED;
        }
    }
}

package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fdstore.daemon.Daemon;
import org.fdstore.daemon.DaemonConfig;
import org.fdstore.daemon.policy.PolicyException;
import org.fdstore.protocol.SocketPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fdstore daemon [--policy FILE] [--admin-group GROUP] [--audit-log FILE] [--notify-socket PATH]}: serves the store in the
 * foreground, logging key=value lines to stderr, until SIGTERM; SIGHUP reloads the policy.
 */
@Command(name = "daemon", description = "Serve the store in the foreground until SIGTERM; logs go to stderr."
        + " SIGHUP reloads the policy file and reopens the audit log.")
public final class DaemonCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Who may do what in which namespace, and the quotas (docs/security.md). Reloaded when it"
                    + " changes. Default: each uid has a private namespace uid.UID.")
    Path policy;

    @Option(names = "--admin-group", paramLabel = "GROUP",
            description = "Members of this group (name or gid) may do anything in every namespace, as root may.")
    String adminGroup;

    @Option(names = "--audit-log", paramLabel = "FILE",
            description = "Append the audit lines (save, restore, take, remove, drop, expire, refusals) to FILE"
                    + " instead of stderr.")
    Path auditLog;

    @Option(names = "--notify-socket", paramLabel = "PATH",
            description = "Also receive sd_notify datagrams on PATH (or @NAME, abstract): FDSTORE=1 stores the fds"
                    + " that come with them, as systemd's fd store does (docs/systemd.md).")
    String notifySocket;

    @Override
    public Integer call() {
        OptionSpec socketOption = spec.findOption("--socket");
        String explicit = socketOption == null ? null : socketOption.getValue();
        Path socket = Path.of(SocketPath.resolve(explicit));
        try {
            new Daemon(DaemonConfig.at(socket).withSecurity(policy, adminGroup, auditLog)
                    .withNotifySocket(notifySocket), System.err).serve();
            return ExitCodes.OK;
        } catch (PolicyException e) {
            System.err.println("fdstore daemon: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            System.err.println("fdstore daemon: " + e.getMessage());
            return ExitCodes.SYSTEM_CALL_FAILED;
        }
    }
}

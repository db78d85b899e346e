package org.fdstore.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.SocketPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fdstore upgrade}: starts a daemon of the current build as {@code fdstore daemon --takeover}, in the
 * background, waits until STATUS shows it serving after a handover, and prints
 * {@code upgraded: pid OLD -> NEW, N entries, pause P ms}.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "upgrade", description = "Replace the serving daemon with one of the current build: it takes over the"
        + " entries, the policy and the socket; clients reconnect by themselves.")
public final class UpgradeCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(20);

    @ParentCommand
    FdstoreCommand root;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Where the new daemon logs. Default: fdstore-daemon.log beside the socket.")
    Path log;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "60s", description = "How long to wait for the new daemon to serve (default 60s).")
    Duration timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String socket = SocketPath.resolve(root.socket);
        Path logFile = log != null ? log : Path.of(socket).toAbsolutePath().getParent().resolve("fdstore-daemon.log");
        try (FdStore store = FdStore.connect(socket, root.daemonUid())) {
            DaemonStatus before = store.status();
            int oldPid = before.servingPid();
            checkSameUser(oldPid);
            checkWritable(logFile);
            Process successor = SelfLauncher.start(logFile, "daemon", "--takeover", "--socket", socket);
            DaemonStatus after = awaitHandover(store, oldPid, successor, logFile);
            root.out().println("upgraded: pid " + oldPid + " -> " + after.servingPid() + ", " + after.entries()
                    + " entries, pause " + after.lastTransitionPauseMs().orElse(0) + " ms");
        }
        return ExitCodes.OK;
    }

    /** Polls STATUS on the same connection, which follows the socket across the handover. */
    private DaemonStatus awaitHandover(FdStore store, int oldPid, Process successor, Path logFile)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            DaemonStatus now = store.status();
            if (now.servingPid() != oldPid && now.lastTransition() == DaemonStatus.Transition.HANDOVER) return now;
            if (!successor.isAlive() && now.servingPid() == oldPid) {
                throw new FdStoreException(Errno.ECHILD, "the new daemon (pid " + successor.pid() + ") exited with"
                        + " code " + successor.exitValue() + " before taking over; daemon " + oldPid
                        + " still serves; see the new daemon's log " + logFile);
            }
            if (System.nanoTime() > deadline) {
                successor.destroy();
                throw new FdStoreException(Errno.ETIMEDOUT, "the new daemon (pid " + successor.pid() + ") did not"
                        + " take over from daemon " + oldPid + " within " + timeout.toSeconds() + " s and was sent"
                        + " SIGTERM; see its log " + logFile + " and that of daemon " + oldPid);
            }
            Thread.sleep(POLL);
        }
    }

    /** Refused before anything starts: the new daemon's output would be lost, and with it why it failed. */
    private static void checkWritable(Path logFile) throws FdStoreException {
        Path dir = logFile.toAbsolutePath().getParent();
        boolean ok = Files.exists(logFile) ? Files.isWritable(logFile) : dir != null && Files.isWritable(dir);
        if (!ok) {
            throw new FdStoreException(Errno.EACCES, "cannot write the new daemon's log " + logFile
                    + ": no such writable file or directory; name another with --log");
        }
    }

    /** Only the daemon's own user may hand its store over: the successor must be able to take its fds. */
    private static void checkSameUser(int pid) throws IOException {
        int daemonUid = (Integer) Files.getAttribute(Path.of("/proc/" + pid), "unix:uid");
        int ownUid = Unistd.geteuid();
        if (daemonUid != ownUid) {
            throw new FdStoreException(Errno.EPERM, "the daemon (pid " + pid + ") runs as uid "
                    + Integer.toUnsignedString(daemonUid) + ", and only that user may upgrade it; this is uid "
                    + Integer.toUnsignedString(ownUid));
        }
    }
}

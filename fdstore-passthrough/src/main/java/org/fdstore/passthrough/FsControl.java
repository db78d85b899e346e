package org.fdstore.passthrough;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Errno;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Mount;
import org.fdstore.linux.Pidfd;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.EntryInfo;

/**
 * Operator actions on a running mount, from any process that can reach the fd store: status, unmount, upgrade.
 *
 * <p>Thread safe (each call uses its own store connection).
 */
public final class FsControl {
    private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(60);

    private FsControl() {}

    /**
     * The mount's status.
     *
     * @throws org.fdstore.client.FdStoreException ENOENT if the store holds no mount on {@code mountpoint}
     */
    public static FsStatus status(Path mountpoint, FdStore store) throws IOException {
        MountId id = MountId.of(mountpoint);
        List<EntryInfo> entries = new MountStore(store, id).entries();
        long handles = entries.stream().filter(e -> e.name().startsWith("h")).count();
        try (StateFile state = attach(store, id)) {
            return new FsStatus(id.mountpoint().toString(), state.source(), id.namespace(), live(state.servingPid()),
                    live(state.standbyPid()), state.heldNodes(), handles, state.failovers(), state.upgrades(),
                    state.lastTakeoverMillis());
        }
    }

    /**
     * Unmounts (lazily, as umount -l: open files stay usable until closed), stops the serving and standby processes
     * and releases every entry of the mount in the store.
     *
     * @return how many store entries were released
     */
    public static int unmount(Path mountpoint, FdStore store) throws IOException, InterruptedException {
        MountId id = MountId.of(mountpoint);
        int serving = 0;
        int standby = 0;
        // The header only: a mount served by another fdstore version (another state-file layout) unmounts too.
        try (StateFile state = new MountStore(store, id).attachStateHeader()) {
            state.lifecycle(StateFile.UNMOUNTED);
            serving = state.servingPid();
            standby = state.standbyPid();
        } catch (IOException e) {
            if (!(e instanceof org.fdstore.client.FdStoreException f) || f.errno() != Errno.ENOENT) throw e;
        }
        try {
            Mount.umount2(id.mountpoint().toString(), Mount.MNT_DETACH);
        } catch (LinuxException e) {
            if (e.errno() != Errno.EINVAL) throw e;   // Not mounted any more: still release what the store holds.
        }
        awaitExit(serving, Duration.ofSeconds(10));
        awaitExit(standby, Duration.ofSeconds(10));
        return new MountStore(store, id).dropAll();
    }

    /**
     * Replaces the serving process with one of this build, with no failed request: starts a new standby, retires the
     * old one, then asks the serving process to hand off (SIGTERM). Returns the pids, old and new.
     */
    public static int[] upgrade(Path mountpoint, FdStore store, StandbyStarter newBuild)
            throws IOException, InterruptedException {
        MountId id = MountId.of(mountpoint);
        try (StateFile state = attach(store, id)) {
            int old = live(state.servingPid());
            if (state.lifecycle() != StateFile.SERVING || old == 0) {
                throw new LinuxException("upgrade " + id.mountpoint(), Errno.ESRCH, "no process serves this mount");
            }
            state.upgraderPid(Unistd.getpid());
            try {
                int previousStandby = live(state.standbyPid());
                if (previousStandby != 0) {
                    ProcessHandle.of(previousStandby).ifPresent(ProcessHandle::destroy);
                    awaitExit(previousStandby, Duration.ofSeconds(10));
                }
                state.standbyPid(0);
                Process next = newBuild.start();
                await("the new standby (pid " + next.pid() + ") to be ready", next,
                        () -> state.standbyPid() == next.pid());
                ProcessHandle.of(old).ifPresent(ProcessHandle::destroy);
                await("pid " + next.pid() + " to take over from pid " + old, next,
                        () -> state.servingPid() == next.pid());
                return new int[] {old, (int) next.pid()};
            } finally {
                state.upgraderPid(0);
            }
        }
    }

    private interface Condition {
        boolean holds();
    }

    private static void await(String what, Process process, Condition condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TAKEOVER_TIMEOUT.toNanos();
        while (!condition.holds()) {
            if (!process.isAlive()) throw new IOException("waiting for " + what + ": it exited with " + process.exitValue());
            if (System.nanoTime() > deadline) throw new IOException("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    private static StateFile attach(FdStore store, MountId id) throws IOException {
        return new MountStore(store, id).attachStateFile();
    }

    /** {@code pid} if that process runs, else 0 (status prints 0 as "none"). */
    private static int live(int pid) {
        return Pidfd.isRunning(pid) ? pid : 0;
    }

    private static void awaitExit(int pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (live(pid) != 0 && System.nanoTime() < deadline) Thread.sleep(10);
    }
}

package org.fdstore.passthrough;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fdstore.client.FdStore;
import org.fdstore.fuse.MountOptions;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.EventFd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Pidfd;
import org.fdstore.linux.Resource;
import org.fdstore.linux.Unistd;
import sun.misc.Signal;

/**
 * The processes behind a mount. The serving process mounts (or takes over) and answers the kernel, and keeps a warm
 * standby alive. The standby has a JVM already started and the store connected, watches the serving process's pidfd,
 * and takes over the moment it exits, whether by kill -9 or by an upgrade's SIGTERM.
 *
 * <p>SIGTERM to the serving process hands the mount to the standby (answering what it has read first); the mount
 * stays up. {@code fdstore fs umount} is what ends a mount.
 */
public final class FsServer {
    private static final System.Logger LOG = System.getLogger("fdstore.passthrough");

    private FsServer() {}

    /**
     * Serves {@code mountpoint}: mounts {@code source} if it is not null, else takes the mount over from the store.
     * Returns when the mount ends or has been handed off.
     *
     * @param options mount options for a new mount (a takeover keeps the mount as it is)
     * @param kernelPassthrough whether a new mount asks the kernel for FUSE passthrough
     * @param daemonUid a further uid the store daemon may run as, or {@code TrustedUids.NONE}
     * @param standby starts standbys, or null for none
     */
    public static void serve(Path source, Path mountpoint, int readers, MountOptions options,
                             boolean kernelPassthrough, String storeSocket, int daemonUid, StandbyStarter standby)
            throws IOException, InterruptedException {
        Resource.raiseOpenFileLimit();   // Open files and fd-held inodes each take one.
        FdStore store = FdStore.connect(storeSocket, daemonUid);
        PassthroughMount mount = source != null ? PassthroughMount.mount(source, mountpoint, readers, options, kernelPassthrough,
                store)
                : PassthroughMount.takeOver(mountpoint, readers, store);
        run(mount, standby, new MetricsPublisher(mount.stats(), mount.id().mountpoint().toString(), store));
    }

    private static void run(PassthroughMount mount, StandbyStarter standby, MetricsPublisher metrics)
            throws InterruptedException {
        StandbyKeeper keeper = standby == null ? null : new StandbyKeeper(mount.state(), standby);
        CountDownLatch handedOff = new CountDownLatch(1);
        AtomicBoolean handingOff = new AtomicBoolean();
        Signal.handle(new Signal("TERM"), signal -> Thread.ofPlatform().name("fdstore-handoff").start(() -> {
            if (!handingOff.compareAndSet(false, true)) return;
            if (keeper != null) keeper.stop();
            try {
                mount.handOff();
            } catch (IOException | InterruptedException e) {
                LOG.log(System.Logger.Level.WARNING, "event=handoff_failed reason=\"" + e.getMessage() + "\"");
            } finally {
                handedOff.countDown();
            }
        }));
        System.out.println("serving " + mount.id().mountpoint() + " pid=" + Unistd.getpid());
        System.out.flush();
        if (keeper != null) keeper.start();
        metrics.start();
        try {
            mount.awaitEnd();
            // Reading stops early in a handoff: the store must acknowledge every change before the connection closes.
            if (handingOff.get()) handedOff.await();
        } finally {
            metrics.stop();
            if (keeper != null) keeper.stop();
            mount.close();
        }
    }

    /**
     * Stands by for {@code mountpoint}: waits for the serving process to exit, then takes the mount over and serves
     * it, starting a standby of its own. Returns at once, without serving, if the mount was unmounted or another
     * standby replaced this one. A standby started by an upgrade ({@code forUpgrade}) displaces any other; any
     * other registers only if there is no standby and no upgrade running.
     */
    public static void standby(Path mountpoint, int readers, String storeSocket, int daemonUid, StandbyStarter next,
                               boolean forUpgrade) throws IOException, InterruptedException {
        Resource.raiseOpenFileLimit();
        MountId id = MountId.of(mountpoint);
        int self = Unistd.getpid();
        int serving;
        try (FdStore store = FdStore.connect(storeSocket, daemonUid);
             StateFile state = new MountStore(store, id).attachStateFile();
             EventFd stop = EventFd.create();
             Epoll epoll = Epoll.create(2)) {
            serving = state.servingPid();
            Rehearsal.run(store, id);
            Signal.handle(new Signal("TERM"), signal -> signalQuietly(stop));
            epoll.add(stop.fd(), Epoll.EPOLLIN, 1);
            Pidfd watched = openOrNull(serving);
            try {
                if (watched != null) epoll.add(watched.fd(), Epoll.EPOLLIN, 2);
                if (forUpgrade) {
                    state.standbyPid(self);
                } else if (state.upgraderPid() != 0 || !state.claimStandby(self)) {
                    return;   // An upgrade chooses the standby, or another standby is already registered.
                }
                System.out.println("standby for " + id.mountpoint() + " pid=" + self + " watching=" + serving);
                System.out.flush();
                LOG.log(System.Logger.Level.INFO, "event=standby mountpoint=" + id.mountpoint() + " watching=" + serving);
                while (watched != null) {
                    int ready = epoll.await(1000);
                    if (ready > 0 && epoll.token(0) == 1) return;     // SIGTERM: retire quietly.
                    if (ready > 0) break;                              // The serving process exited.
                    if (state.standbyPid() != self) return;            // Replaced by an upgrade's standby.
                }
            } finally {
                if (watched != null) watched.close();
            }
            if (state.lifecycle() == StateFile.UNMOUNTED || state.standbyPid() != self
                    || !state.claimServing(serving, self)) {
                return;
            }
            state.standbyPid(0);
        }
        LOG.log(System.Logger.Level.INFO, "event=taking_over mountpoint=" + id.mountpoint() + " previous=" + serving);
        serve(null, mountpoint, readers, MountOptions.defaults(), true, storeSocket, daemonUid, next);
    }

    private static Pidfd openOrNull(int pid) {
        try {
            return pid > 0 ? Pidfd.open(pid) : null;
        } catch (LinuxException e) {
            return null;
        }
    }

    private static void signalQuietly(EventFd stop) {
        try {
            stop.signal();
        } catch (LinuxException ignored) {
            // Already closed: the standby is ending anyway.
        }
    }
}

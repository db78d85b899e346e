package org.fdstore.passthrough;

import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.linux.Downcalls;

/**
 * Runs a standby's takeover path once before it is needed, so that the takeover itself finds its classes loaded and
 * its native calls linked: restores every entry of the mount (then closes them) and initialises the classes that hold
 * the system-call bindings and the FUSE codecs. On a JVM that never ran this code, the first run of it costs
 * a hundred milliseconds or more; that cost otherwise lands inside the failover stall.
 */
final class Rehearsal {
    private static final System.Logger LOG = System.getLogger("fdstore.passthrough");
    private static final List<String> CLASSES = List.of(
            "org.fdstore.linux.Fcntl", "org.fdstore.linux.Stat", "org.fdstore.linux.Unistd", "org.fdstore.linux.Stdio",
            "org.fdstore.linux.Xattr", "org.fdstore.linux.Dirents", "org.fdstore.linux.Statfs", "org.fdstore.linux.Fsuid",
            "org.fdstore.linux.Ioctl", "org.fdstore.linux.Proc", "org.fdstore.linux.FileHandles", "org.fdstore.linux.Mman", "org.fdstore.linux.Memfd",
            "org.fdstore.fuse.FuseSession", "org.fdstore.fuse.wire.RequestDecoder", "org.fdstore.fuse.wire.ReplyEncoder",
            "org.fdstore.fuse.wire.StructWriter", "org.fdstore.fuse.DirentBuffer",
            "org.fdstore.passthrough.PassthroughFs", "org.fdstore.passthrough.PassthroughMount");

    private Rehearsal() {}

    static void run(FdStore store, MountId id) {
        long start = System.nanoTime();
        for (String name : CLASSES) {
            try {
                Class<?> c = Class.forName(name, true, Rehearsal.class.getClassLoader());
                if (c.getPackageName().equals("org.fdstore.linux")) Downcalls.linkAll(c);
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "event=rehearsal_skipped class=" + name + " reason=\"" + e + "\"");
            }
        }
        try {
            MountStore.Recovered recovered = new MountStore(store, id).recover();
            recovered.device().fd().close();
            recovered.stateFile().fd().close();
            recovered.inodes().values().forEach(org.fdstore.linux.Fd::close);
            recovered.sources().values().forEach(org.fdstore.linux.Fd::close);
            recovered.handles().values().forEach(h -> h.fd().close());
        } catch (FdStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "event=rehearsal_failed reason=\"" + e.getMessage() + "\"");
        }
        LOG.log(System.Logger.Level.INFO, "event=rehearsed mountpoint=" + id.mountpoint() + " millis="
                + (System.nanoTime() - start) / 1_000_000);
    }
}

package org.fdstore.passthrough;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.fdstore.client.FdStore;
import org.fdstore.client.Restored;
import org.fdstore.fuse.FuseSession;
import org.fdstore.fuse.InitFlags;
import org.fdstore.fuse.InitResult;
import org.fdstore.fuse.MountOptions;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileHandle;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;

/**
 * One served passthrough mount: either mounted fresh, or taken over from the state another process left in the fd
 * store (after its crash, or on purpose for an upgrade). Either way the mount stays up and every node id and file
 * handle the kernel holds keeps its meaning.
 *
 * <p>Not thread safe: one serving process drives it.
 */
public final class PassthroughMount implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("fdstore.passthrough");
    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(10);

    private final MountId id;
    private final FuseSession session;
    private final StateFile state;
    private final Shared shared;
    private final Fd device;

    private PassthroughMount(MountId id, FuseSession session, StateFile state, Shared shared, Fd device) {
        this.id = id;
        this.session = session;
        this.state = state;
        this.shared = shared;
        this.device = device;
    }

    /**
     * Mounts {@code source} on {@code mountpoint} and stores the mount's state in {@code store}, which this object
     * then owns. The mount always has allow_other and default_permissions; {@code options} may add dev and suid.
     * With {@code kernelPassthrough} false, INIT declines FUSE passthrough: every read and write goes through the
     * daemon, for the whole life of the mount.
     *
     * @throws LinuxException EBUSY if the store already holds a mount on {@code mountpoint}; whatever mount(2) says
     */
    public static PassthroughMount mount(Path source, Path mountpoint, int readers, MountOptions options,
                                         boolean kernelPassthrough, FdStore store) throws IOException {
        MountId id = MountId.of(mountpoint);
        MountStore mountStore = new MountStore(store, id);
        if (!mountStore.entries().isEmpty()) {
            throw new LinuxException("mount on " + id.mountpoint(), Errno.EBUSY, "the store already holds a mount there "
                    + "(namespace " + id.namespace() + "); see fdstore fs status, or fdstore fs umount it first");
        }
        Stat.umask(0);
        Fd root = Fcntl.openat(null, source.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8),
                Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0);
        StateFile state = null;
        SourceMounts sources = new SourceMounts(mountStore::saveSource);
        try {
            FileStat st = Lookups.stat(root);
            state = StateFile.create(source.toAbsolutePath().toString(), id.mountpoint().toString());
            InodeTable inodes = new InodeTable(state, sources);
            // Probes the source's file system, so that names in the root are held by handles from the start. The
            // root itself stays an fd, so that a successor always reaches the source.
            sources.handleOf(root, st);
            long generation = state.occupy(InodeTable.ROOT, st.dev(), st.ino(), null);
            state.lookups(InodeTable.ROOT, 1);
            Inode rootInode = new Inode(InodeTable.ROOT, generation, st.dev(), st.ino(), null, root);
            inodes.install(rootInode);
            Shared shared = new Shared(inodes, new HandleTable(), mountStore);
            FuseSession session = FuseSession.mount(id.mountpoint(), "fdstore:" + source.toAbsolutePath(), "fdstore",
                    options.withAllowOther().withDefaultPermissions(), new PassthroughFs(shared, kernelPassthrough));
            shared.serving(session);
            session.start(readers);
            InitResult init = session.awaitInit(INIT_TIMEOUT);
            mountStore.saveMount(session.device(), init.toBytes(), state.fd());
            mountStore.saveInode(rootInode);
            mountStore.sync();
            state.servingPid(Unistd.getpid());
            LOG.log(System.Logger.Level.INFO, "event=mounted source=" + source.toAbsolutePath() + " mountpoint="
                    + id.mountpoint() + " namespace=" + id.namespace() + " init=\"" + init + "\"");
            return new PassthroughMount(id, session, state, shared, null);
        } catch (IOException | RuntimeException e) {
            root.close();
            sources.closeAll();
            if (state != null) state.close();
            forgetPartialMount(mountStore);
            throw e;
        }
    }

    /** Removes whatever a failed mount had already saved, so that the next attempt does not find it (EBUSY). */
    private static void forgetPartialMount(MountStore mountStore) {
        try {
            mountStore.dropAll();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "event=mount_cleanup_failed reason=\"" + e.getMessage() + "\"");
        }
    }

    /**
     * Takes the mount on {@code mountpoint} over from the state in {@code store} (which this object then owns):
     * restores every fd, serves the /dev/fuse connection as INIT agreed it, and asks the kernel to resend the
     * requests the previous server had read but not answered.
     */
    public static PassthroughMount takeOver(Path mountpoint, int readers, FdStore store) throws IOException {
        MountId id = MountId.of(mountpoint);
        MountStore mountStore = new MountStore(store, id);
        Stat.umask(0);
        MountStore.Recovered recovered = mountStore.recover();
        StateFile state = StateFile.open(recovered.stateFile().fd());
        SourceMounts sources = new SourceMounts(mountStore::saveSource);
        recovered.sources().forEach(sources::install);
        InodeTable inodes = new InodeTable(state, sources);
        Map<Long, Fd> fds = new HashMap<>(recovered.inodes());
        for (long nodeid = 1; nodeid <= state.highestNodeid(); nodeid++) {
            if (nodeid != InodeTable.ROOT && state.lookups(nodeid) == 0) continue;
            Fd fd = fds.remove(nodeid);
            FileHandle handle = state.handle(nodeid);
            if (fd == null && handle == null) {
                // Counted but never stored: the server died between the count and the save, so no reply left either.
                state.lookups(nodeid, 0);
                continue;
            }
            inodes.install(new Inode(nodeid, state.generation(nodeid), state.dev(nodeid), state.ino(nodeid), handle, fd));
        }
        fds.forEach((nodeid, fd) -> {
            // Forgotten just before the crash, before its removal reached the store.
            fd.close();
            mountStore.dropInode(nodeid);
        });
        HandleTable handles = new HandleTable();
        Shared shared = new Shared(inodes, handles, mountStore);
        for (Map.Entry<Long, Restored> e : recovered.handles().entrySet()) {
            Handle handle = Handle.fromStore(e.getKey(), e.getValue().fd(), e.getValue().entry().metadata());
            handles.put(handle);
            // Handles sharing a backing id are counted again: the next open reuses it, the last release closes it.
            if (!handle.directory()) shared.backing.adopt(handle.nodeid(), handle.backingId());
        }
        InitResult init = InitResult.fromBytes(recovered.device().entry().metadata());
        Fd device = recovered.device().fd();
        FuseSession session = FuseSession.takeover(device, init, mountpoint, new PassthroughFs(shared, init.has(InitFlags.PASSTHROUGH)));
        shared.serving(session);
        // Resend first: only what the previous server read comes back. After start, requests our own readers had
        // just taken would come back too, and be handled twice.
        session.resend();
        session.start(readers);
        boolean upgrade = state.handoff();
        state.handoff(false);
        state.countTakeover(upgrade, System.currentTimeMillis());
        state.servingPid(Unistd.getpid());
        LOG.log(System.Logger.Level.INFO, "event=took_over mountpoint=" + id.mountpoint() + " reason="
                + (upgrade ? "upgrade" : "failover") + " nodes=" + inodes.size() + " source_fds=" + sources.size()
                + " handles=" + handles.size());
        return new PassthroughMount(id, session, state, shared, device);
    }

    /** The mount's identity in the store. */
    public MountId id() {
        return id;
    }

    /** Blocks until the mount ends (it was unmounted). */
    public void awaitEnd() throws InterruptedException {
        while (!session.awaitStopped(Duration.ofHours(1))) {
            // Keep waiting: a mount may serve for months.
        }
    }

    /**
     * Stops serving on purpose, leaving the mount to the standby: stops reading, answers what was read, and
     * waits until the store has every change. The mount stays; requests wait in the kernel for the successor.
     */
    public void handOff() throws IOException, InterruptedException {
        state.handoff(true);
        session.stopReading();
        session.awaitStopped(Duration.ofSeconds(30));
        shared.store.sync();
        LOG.log(System.Logger.Level.INFO, "event=handed_off mountpoint=" + id.mountpoint());
    }

    /** The requests this process has served on the mount, by opcode. */
    org.fdstore.fuse.FuseStats stats() {
        return session.stats();
    }

    /** The state file of this mount, for status and supervision. */
    StateFile state() {
        return state;
    }

    /**
     * Closes this process's fds. The store keeps its own references, so the mount's state lives on; a mount that was
     * unmounted has already been dropped from the store by whoever unmounted it.
     */
    @Override
    public void close() {
        session.close();
        if (device != null) device.close();
        shared.inodes.closeAll();
        shared.handles.closeAll();
        shared.store.close();
        state.close();
    }
}

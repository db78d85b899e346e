package org.fdstore.passthrough;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.Restored;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Selector;

/**
 * Keeps a mount's fds in the fd store, in the mount's namespace (see {@link MountId}). Inode and handle changes are
 * sent without waiting for the store's reply: a save is durable once sent, so the hot path never pays a round trip.
 *
 * <p>Thread safe (the store connection serialises sends; requests are carried out in send order).
 */
final class MountStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("fdstore.passthrough");
    private static final int SETTLE_ROUNDS = 20;

    private final FdStore store;
    private final MountId id;

    MountStore(FdStore store, MountId id) {
        this.store = store;
        this.id = id;
    }

    MountId id() {
        return id;
    }

    /** Everything a mount's state was, as restored from the store; the caller owns every fd. */
    record Recovered(Restored device, Restored stateFile, Map<Long, Fd> inodes, Map<Long, Fd> sources,
                     Map<Long, Restored> handles) {}

    /** Saves the connection and the state file, and waits: a mount is not announced before these are stored. */
    void saveMount(Fd device, byte[] init, Fd stateFile) throws FdStoreException {
        store.save(device, id.device(), init);
        store.save(stateFile, id.stateFile(), null);
    }

    /** Keeps the fd of an inode held by an fd (an inode named by its file handle needs no entry). */
    void saveInode(Inode inode) {
        watch("save " + id.inode(inode.nodeid()), send(() -> store.saveAsync(inode.fd(), id.inode(inode.nodeid()), null)));
    }

    /** Keeps the fd of source file system {@code dev}, through which its inodes' file handles open. */
    void saveSource(long dev, Fd fd) {
        watch("save " + id.source(dev), send(() -> store.saveAsync(fd, id.source(dev), null)));
    }

    void dropInode(long nodeid) {
        watch("remove " + id.inode(nodeid), send(() -> store.removeAsync(new Selector.ByName(id.inode(nodeid)))));
    }

    void saveHandle(Handle handle) {
        watch("save " + id.handle(handle.fh()),
                send(() -> store.saveAsync(handle.fd(), id.handle(handle.fh()), handle.metadata())));
    }

    void dropHandle(long fh) {
        watch("remove " + id.handle(fh), send(() -> store.removeAsync(new Selector.ByName(id.handle(fh)))));
    }

    /** The mount's entries in the store, or none. */
    List<EntryInfo> entries() throws FdStoreException {
        return store.list().stream().filter(e -> e.namespace().equals(id.namespace())).toList();
    }

    /**
     * Restores every entry of the mount with pipelined requests: one wait for all of them. The previous server's last
     * saves and removals may still be in the store's queue for its (dead) connection, served beside ours: the listing
     * is repeated until two in a row agree, and an entry removed between listing and restoring is skipped.
     */
    Recovered recover() throws FdStoreException {
        List<EntryInfo> entries = settledEntries();
        List<CompletableFuture<Restored>> pending = new ArrayList<>(entries.size());
        for (EntryInfo e : entries) pending.add(store.restoreAsync(new Selector.ById(e.id())));
        store.awaitSubmitted();
        Restored device = null;
        Restored stateFile = null;
        Map<Long, Fd> inodes = new HashMap<>();
        Map<Long, Fd> sources = new HashMap<>();
        Map<Long, Restored> handles = new HashMap<>();
        for (CompletableFuture<Restored> future : pending) {
            if (future.isCompletedExceptionally()) continue;   // Removed since the listing.
            Restored r = future.join();
            String name = r.entry().name();
            if (name.equals("dev")) device = r;
            else if (name.equals("state")) stateFile = r;
            else if (name.startsWith("n")) inodes.put(Long.parseLong(name.substring(1)), r.fd());
            else if (name.startsWith("m")) sources.put(Long.parseLong(name.substring(1)), r.fd());
            else if (name.startsWith("h")) handles.put(Long.parseLong(name.substring(1)), r);
            else r.fd().close();
        }
        if (device == null || stateFile == null) {
            inodes.values().forEach(Fd::close);
            sources.values().forEach(Fd::close);
            handles.values().forEach(h -> h.fd().close());
            if (device != null) device.fd().close();
            if (stateFile != null) stateFile.fd().close();
            throw new FdStoreException(org.fdstore.linux.Errno.ENOENT, "no mount state for " + id.mountpoint()
                    + " in the store (namespace " + id.namespace() + ")");
        }
        return new Recovered(device, stateFile, inodes, sources, handles);
    }

    private List<EntryInfo> settledEntries() throws FdStoreException {
        List<EntryInfo> previous = entries();
        for (int round = 0; round < SETTLE_ROUNDS; round++) {
            List<EntryInfo> now = entries();
            if (ids(now).equals(ids(previous))) return now;
            previous = now;
        }
        return previous;
    }

    private static List<Long> ids(List<EntryInfo> entries) {
        return entries.stream().map(EntryInfo::id).toList();
    }

    /** Restores the mount's state file and maps it; the caller closes it. */
    StateFile attachStateFile() throws IOException {
        return StateFile.open(restoreStateFile());
    }

    /** Restores the mount's state file and maps its header only, whatever its layout version; the caller closes it. */
    StateFile attachStateHeader() throws IOException {
        return StateFile.openHeader(restoreStateFile());
    }

    private Fd restoreStateFile() throws IOException {
        return store.restore(new Selector.ByName(id.stateFile())).fd();
    }

    /** Removes every entry of the mount; returns how many. */
    int dropAll() throws FdStoreException {
        List<EntryInfo> entries = entries();
        List<CompletableFuture<Long>> removals = new ArrayList<>();
        for (EntryInfo e : entries) removals.add(store.removeAsync(new Selector.ById(e.id())));
        store.awaitSubmitted();
        return (int) removals.stream().filter(f -> !f.isCompletedExceptionally()).count();
    }

    /** Waits for every reply, so that failures are logged before the caller goes on. */
    void sync() throws FdStoreException {
        store.awaitSubmitted();
    }

    @Override
    public void close() {
        store.close();
    }

    private interface Send {
        CompletableFuture<Long> run() throws FdStoreException;
    }

    private static CompletableFuture<Long> send(Send send) {
        try {
            return send.run();
        } catch (FdStoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void watch(String what, CompletableFuture<Long> future) {
        future.whenComplete((id, failure) -> {
            if (failure != null) {
                LOG.log(System.Logger.Level.WARNING, "event=store_failed op=\"" + what + "\" reason=\""
                        + failure.getMessage() + "\"");
            }
        });
    }
}

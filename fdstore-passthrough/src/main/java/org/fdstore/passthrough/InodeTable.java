package org.fdstore.passthrough;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileHandle;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;

/**
 * The inodes the kernel holds references to, keyed by node id and by (dev, ino) as in libfuse's passthrough_hp.
 * An entry reply adds one to an inode's lookup count and FORGET subtracts; at zero the inode goes and its fd, if it
 * has one, is closed. The root (node id 1) is never forgotten. A reused node id gets a new generation.
 *
 * <p>An inode is named by its file handle where the source gives one ({@link SourceMounts}), so the table holds no
 * fd for it and the state file alone describes it; otherwise, and for the root, by an O_PATH fd kept in the store.
 * {@link #open} gives an operation an fd either way.
 *
 * <p>Thread safe: one lock, held only for table updates, never across a system call other than close.
 */
final class InodeTable {
    static final long ROOT = 1;

    private final StateFile state;
    private final SourceMounts sources;
    private final Map<Long, Inode> byNodeid = new HashMap<>();
    private final Map<Inode.Key, Inode> byIdentity = new HashMap<>();
    private final BitSet used = new BitSet();
    /** No node id below this one is free. */
    private int lowestFree = 2;
    private final System.Logger log = System.getLogger("fdstore.passthrough");

    InodeTable(StateFile state, SourceMounts sources) {
        this.state = state;
        this.sources = sources;
        used.set(0);
        used.set((int) ROOT);   // Only install() may place the root; a lookup never gets its id.
    }

    /** Installs the root, or an inode restored after a takeover, with the lookup count the state file has. */
    synchronized void install(Inode inode) {
        byNodeid.put(inode.nodeid(), inode);
        byIdentity.put(inode.key(), inode);
        used.set((int) inode.nodeid());
    }

    synchronized Inode get(long nodeid) throws LinuxException {
        Inode inode = byNodeid.get(nodeid);
        if (inode == null) throw new LinuxException("node " + nodeid, Errno.ESTALE, "unknown node id");
        return inode;
    }

    /**
     * An O_PATH fd on {@code inode} for one operation: opened from its handle, or its own fd lent.
     *
     * @throws LinuxException ESTALE if the inode is gone from the source
     */
    InodeFd open(Inode inode) throws LinuxException {
        Fd fd = inode.fd();
        return fd != null ? InodeFd.lent(fd) : InodeFd.owned(sources.open(inode));
    }

    /** {@link #open(Inode)} of node {@code nodeid}. */
    InodeFd open(long nodeid) throws LinuxException {
        return open(get(nodeid));
    }

    /**
     * The inode {@code opened} (a fresh O_PATH fd, {@code st} its stat) holds, with one more lookup; takes ownership
     * of {@code opened}. A known inode keeps what holds it and {@code opened} is closed. A new one is named by its
     * file handle if the source gives one (and {@code opened} is closed), else held by {@code opened}.
     *
     * <p>An inode held by its handle alone does not keep its inode number: if the source frees it (a name removed
     * behind the mount's back), the number can come back for another file. So a known handle inode is the one found
     * only if the handles match; otherwise the new file gets a new node id, and the old one, which the kernel may
     * still hold, answers ESTALE, as on NFS.
     *
     * @param created called with a newly created inode, under the lock, before it is visible to other threads
     */
    Inode lookup(FileStat st, Fd opened, Consumer<Inode> created) throws LinuxException {
        Inode.Key key = new Inode.Key(st.dev(), st.ino());
        Inode known = counted(key, null, opened);
        if (known != null) return known;
        FileHandle handle = sources.handleOf(opened, st);
        synchronized (this) {
            Inode existing = counted(key, handle, opened);   // The same file, or another thread won the race.
            if (existing != null) return existing;
            Inode replaced = byIdentity.remove(key);
            if (replaced != null) {
                log.log(System.Logger.Level.INFO, "event=inode_number_reused nodeid=" + replaced.nodeid()
                        + " dev=" + st.dev() + " ino=" + st.ino());
            }
            int nodeid = used.nextClearBit(lowestFree);
            if (nodeid >= StateFile.SLOTS) {
                opened.close();
                throw new LinuxException("lookup", Errno.ENFILE, "the mount holds " + (StateFile.SLOTS - 1) + " inodes");
            }
            used.set(nodeid);
            lowestFree = nodeid + 1;
            long generation = state.occupy(nodeid, st.dev(), st.ino(), handle);
            state.lookups(nodeid, 1);
            Inode inode = new Inode(nodeid, generation, st.dev(), st.ino(), handle, handle == null ? opened : null);
            if (handle != null) opened.close();
            byNodeid.put((long) nodeid, inode);
            byIdentity.put(key, inode);
            created.accept(inode);
            return inode;
        }
    }

    /** Adds one lookup to a known inode (an entry reply for an inode found by node id). */
    synchronized void addLookup(Inode inode) {
        state.lookups(inode.nodeid(), state.lookups(inode.nodeid()) + 1);
    }

    /** The inode of (dev, ino) if the kernel holds it, else null. */
    synchronized Inode find(long dev, long ino) {
        return byIdentity.get(new Inode.Key(dev, ino));
    }

    /**
     * Makes {@code pin} (an O_PATH fd on {@code inode}, whose last name is about to go) hold the inode from now on, so
     * that its handle, which opens only while something holds the inode, keeps working while the kernel holds it.
     * Takes ownership of {@code pin}: closed at once if the inode is gone or already held by an fd.
     *
     * @param pinned called with the pinned inode, under the lock, to keep the fd in the store
     */
    synchronized void pin(Inode inode, Fd pin, Consumer<Inode> pinned) {
        Inode current = byNodeid.get(inode.nodeid());
        if (current == null || current.fd() != null || current.generation() != inode.generation()) {
            pin.close();
            return;
        }
        Inode held = current.pinnedBy(pin);
        byNodeid.put(held.nodeid(), held);
        byIdentity.replace(held.key(), current, held);
        pinned.accept(held);
    }

    /**
     * Subtracts {@code count} lookups; returns the inode if that was its last, after removing it from the table. The
     * node id stays reserved: the caller closes the fd, sends the store's removal, then {@link #release}s the id, so
     * that a new inode's save under the same name can never overtake the old one's removal.
     */
    synchronized Inode forget(long nodeid, long count) {
        if (nodeid == ROOT) return null;
        Inode inode = byNodeid.get(nodeid);
        if (inode == null) return null;
        long left = state.lookups(nodeid) - count;
        if (left < 0) {
            log.log(System.Logger.Level.WARNING, "event=forget_underflow nodeid=" + nodeid + " counted="
                    + state.lookups(nodeid) + " forgotten=" + count);
            left = 0;
        }
        state.lookups(nodeid, left);
        if (left > 0) return null;
        byNodeid.remove(nodeid);
        byIdentity.remove(inode.key(), inode);   // Unless a new file with the same number has taken the key.
        return inode;
    }

    /** Frees a forgotten node id for reuse, once its store removal has been sent. */
    synchronized void release(long nodeid) {
        used.clear((int) nodeid);
        lowestFree = Math.min(lowestFree, (int) nodeid);
    }

    synchronized int size() {
        return byNodeid.size();
    }

    /** Closes every inode's fd and every source file system's fd; the store keeps its own references. */
    synchronized void closeAll() {
        byNodeid.values().forEach(i -> {
            if (i.fd() != null) i.fd().close();
        });
        byNodeid.clear();
        byIdentity.clear();
        sources.closeAll();
    }

    /**
     * The known inode of {@code key} with one more lookup ({@code opened} closed), or null if it is new. An inode held
     * by an fd keeps its number, so it is the one; one held by its handle alone is the one if {@code handle} (null:
     * not known yet) is the same.
     */
    private synchronized Inode counted(Inode.Key key, FileHandle handle, Fd opened) {
        Inode existing = byIdentity.get(key);
        if (existing == null) return null;
        if (existing.fd() == null && !existing.handle().equals(handle)) return null;
        addLookup(existing);
        opened.close();
        return existing;
    }
}

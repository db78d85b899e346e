package org.fdstore.passthrough;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;

/**
 * The inodes the kernel holds references to, keyed by node id and by (dev, ino) as in libfuse's passthrough_hp.
 * An entry reply adds one to an inode's lookup count and FORGET subtracts; at zero the inode goes and its fd is
 * closed. The root (node id 1) is never forgotten. A reused node id gets a new generation.
 *
 * <p>Thread safe: one lock, held only for table updates, never across a system call other than close.
 */
final class InodeTable {
    static final long ROOT = 1;

    private final StateFile state;
    private final Map<Long, Inode> byNodeid = new HashMap<>();
    private final Map<Inode.Key, Inode> byIdentity = new HashMap<>();
    private final BitSet used = new BitSet();
    private final System.Logger log = System.getLogger("fdstore.passthrough");

    InodeTable(StateFile state) {
        this.state = state;
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
     * The inode for (dev, ino) with one more lookup. If the table has none, {@code opener} supplies a fresh O_PATH
     * fd; if another thread won the race meanwhile, that fd is closed and the winner's inode is used.
     *
     * @param created called with a newly created inode, under the lock, before it is visible to other threads
     */
    Inode lookup(long dev, long ino, Fd opened, Consumer<Inode> created) throws LinuxException {
        synchronized (this) {
            Inode existing = byIdentity.get(new Inode.Key(dev, ino));
            if (existing != null) {
                state.lookups(existing.nodeid(), state.lookups(existing.nodeid()) + 1);
                opened.close();
                return existing;
            }
            int nodeid = used.nextClearBit(1);
            if (nodeid >= StateFile.SLOTS) {
                opened.close();
                throw new LinuxException("lookup", Errno.ENFILE, "the mount holds " + (StateFile.SLOTS - 1) + " inodes");
            }
            used.set(nodeid);
            long generation = state.occupy(nodeid, dev, ino);
            state.lookups(nodeid, 1);
            Inode inode = new Inode(nodeid, generation, dev, ino, opened);
            byNodeid.put((long) nodeid, inode);
            byIdentity.put(inode.key(), inode);
            created.accept(inode);
            return inode;
        }
    }

    /** Adds one lookup to a known inode (an entry reply for an inode found by node id). */
    synchronized void addLookup(Inode inode) {
        state.lookups(inode.nodeid(), state.lookups(inode.nodeid()) + 1);
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
        byIdentity.remove(inode.key());
        return inode;
    }

    /** Frees a forgotten node id for reuse, once its store removal has been sent. */
    synchronized void release(long nodeid) {
        used.clear((int) nodeid);
    }

    synchronized int size() {
        return byNodeid.size();
    }

    /** Closes every inode's fd; the store keeps its own references. */
    synchronized void closeAll() {
        byNodeid.values().forEach(i -> i.path().close());
        byNodeid.clear();
        byIdentity.clear();
    }
}

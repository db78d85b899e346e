package org.fdstore.passthrough;

import java.util.HashMap;
import java.util.Map;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;

/**
 * The one kernel backing file of each open inode. The kernel keeps one backing file per FUSE inode at a time
 * (fs/fuse/iomode.c: a file opened with another backing id while one is in use fails with EBUSY, a passthrough open
 * beside a cached one with ETXTBSY), so every handle of an inode shares one backing id: registered at its first open,
 * closed with its last release. The kernel opens each FUSE file's own backing file from the registered file's path,
 * with that FUSE file's flags, so one registration serves every later open whatever its flags. An inode whose
 * registration failed, or that is not a regular file, is served by the daemon (id 0) until its last handle goes.
 *
 * <p>Thread safe. Lock order: this object's monitor is taken with no other lock held. Registration runs under it, so
 * two first opens of one inode cannot register two backing files; closing runs outside it: an id is closed only once
 * no handle holds it, and a new open then registers a fresh one.
 */
final class BackingFiles {
    private static final System.Logger LOG = System.getLogger("fdstore.passthrough");

    /** The connection's backing-file calls (FUSE_DEV_IOC_BACKING_OPEN and _CLOSE). */
    interface Kernel {
        /** Registers {@code file} and returns its backing id (&gt; 0); the caller keeps {@code file}. */
        int open(Fd file) throws LinuxException;

        void close(int backingId) throws LinuxException;
    }

    /** An inode's backing id (0: none) and the number of open handles that use it; guarded by the table's monitor. */
    private static final class Use {
        final int backingId;
        int handles;

        Use(int backingId) {
            this.backingId = backingId;
        }
    }

    private final Kernel kernel;
    private final Map<Long, Use> byNode = new HashMap<>();

    BackingFiles(Kernel kernel) {
        this.kernel = kernel;
    }

    /**
     * Counts a new handle on {@code nodeid} and returns the backing id to answer its open with, or 0 to serve it
     * without passthrough. The first handle of an inode registers {@code file} if {@code passthrough} (a regular file
     * on a connection that agreed PASSTHROUGH); if the kernel refuses, the inode is served without passthrough.
     */
    synchronized int acquire(long nodeid, Fd file, boolean passthrough) {
        Use use = byNode.get(nodeid);
        if (use == null) {
            use = new Use(passthrough ? register(nodeid, file) : 0);
            byNode.put(nodeid, use);
        }
        use.handles++;
        return use.backingId;
    }

    private int register(long nodeid, Fd file) {
        try {
            return kernel.open(file);
        } catch (LinuxException e) {
            LOG.log(System.Logger.Level.WARNING, "event=passthrough_refused node=" + nodeid + " reason=\""
                    + e.getMessage() + "\" effect=\"served by the daemon while open\"");
            return 0;
        }
    }

    /**
     * After a takeover: counts a recovered handle on {@code nodeid} that was opened with {@code backingId}. Handles
     * recovered with another id than the inode's first (left by a version that registered one per open) are not
     * counted: their id stays registered until the connection ends.
     */
    synchronized void adopt(long nodeid, int backingId) {
        Use use = byNode.computeIfAbsent(nodeid, n -> new Use(backingId));
        if (use.backingId == backingId) {
            use.handles++;
        } else {
            LOG.log(System.Logger.Level.WARNING, "event=backing_conflict node=" + nodeid + " kept=" + use.backingId
                    + " stray=" + backingId);
        }
    }

    /** Ends one handle's use of {@code nodeid}'s backing id; the last one closes it. */
    void release(long nodeid, int backingId) {
        synchronized (this) {
            Use use = byNode.get(nodeid);
            if (use == null || use.backingId != backingId) return;
            if (--use.handles > 0) return;
            byNode.remove(nodeid);
        }
        if (backingId == 0) return;
        try {
            kernel.close(backingId);
        } catch (LinuxException e) {
            LOG.log(System.Logger.Level.WARNING, "event=backing_close_failed node=" + nodeid + " backing="
                    + backingId + " reason=\"" + e.getMessage() + "\"");
        }
    }

    /** The backing id {@code nodeid}'s handles share, or -1 if it has none open. */
    synchronized int backingId(long nodeid) {
        Use use = byNode.get(nodeid);
        return use == null ? -1 : use.backingId;
    }

    /** How many handles use {@code nodeid}'s backing id. */
    synchronized int handles(long nodeid) {
        Use use = byNode.get(nodeid);
        return use == null ? 0 : use.handles;
    }
}

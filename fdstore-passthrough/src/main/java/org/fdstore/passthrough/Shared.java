package org.fdstore.passthrough;

import org.fdstore.fuse.FuseSession;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Ioctl;
import org.fdstore.linux.LinuxException;

/**
 * What every operation of one mount shares: the inode and handle tables, the store that keeps their fds, the
 * /dev/fuse connection for passthrough ioctls, and the backing files registered with it.
 *
 * <p>Thread safe.
 */
final class Shared {
    private static final System.Logger LOG = System.getLogger("fdstore.passthrough");

    final InodeTable inodes;
    final HandleTable handles;
    final MountStore store;
    final BackingFiles backing = new BackingFiles(new Connection());
    private volatile Fd device;
    private volatile FuseSession session;
    private volatile boolean passthrough;

    Shared(InodeTable inodes, HandleTable handles, MountStore store) {
        this.inodes = inodes;
        this.handles = handles;
        this.store = store;
    }

    void connected(Fd device, boolean passthrough) {
        this.device = device;
        this.passthrough = passthrough;
    }

    /** The session that serves the mount, for notifications; set before it starts reading. */
    void serving(FuseSession session) {
        this.session = session;
    }

    /**
     * Makes the kernel fetch {@code nodeid}'s attributes again, after the daemon changed them behind a request that
     * carries none back (the mode after clearing set-id bits on WRITE or OPEN). Safe from that request's handler:
     * without a page range the kernel only marks the attributes stale, under a spinlock.
     */
    void attributesChanged(long nodeid) {
        try {
            session.notifyInvalInode(nodeid, -1, 0);
        } catch (LinuxException e) {
            // ENOENT: the kernel holds no such inode any more, so nothing stale either.
            if (e.errno() != Errno.ENOENT) {
                LOG.log(System.Logger.Level.WARNING, "event=inval_failed node=" + nodeid + " reason=\""
                        + e.getMessage() + "\"");
            }
        }
    }

    boolean passthrough() {
        return passthrough;
    }

    Fd device() throws LinuxException {
        Fd d = device;
        if (d == null) throw new LinuxException("passthrough", Errno.ENOTCONN, "no /dev/fuse connection yet");
        return d;
    }

    /** Backing files registered with this mount's /dev/fuse connection. */
    private final class Connection implements BackingFiles.Kernel {
        @Override
        public int open(Fd file) throws LinuxException {
            return Ioctl.backingOpen(device(), file);
        }

        @Override
        public void close(int backingId) throws LinuxException {
            Ioctl.backingClose(device(), backingId);
        }
    }
}

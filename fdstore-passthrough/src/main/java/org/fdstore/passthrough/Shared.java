package org.fdstore.passthrough;

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
    final InodeTable inodes;
    final HandleTable handles;
    final MountStore store;
    final BackingFiles backing = new BackingFiles(new Connection());
    private volatile Fd device;
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

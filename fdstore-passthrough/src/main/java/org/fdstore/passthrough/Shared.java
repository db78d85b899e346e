package org.fdstore.passthrough;

import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;

/**
 * What every operation of one mount shares: the inode and handle tables, the store that keeps their fds, and the
 * /dev/fuse connection for passthrough ioctls.
 *
 * <p>Thread safe.
 */
final class Shared {
    final InodeTable inodes;
    final HandleTable handles;
    final MountStore store;
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
}

package org.fdstore.passthrough;

import org.fdstore.linux.Fd;
import org.fdstore.linux.FileHandle;

/**
 * One inode the kernel knows: its node id, the generation of that id, its identity on the source, and what holds
 * it: its file handle (opened again for each operation, see {@link InodeTable#open}), an O_PATH fd, or both (a
 * handle inode pinned by an fd once its last name went, see {@link InodeTable#pin}). The lookup count lives in the
 * {@link StateFile}.
 *
 * <p>Immutable; the fd, if any, is owned by the {@link InodeTable}.
 *
 * @param handle the file handle, or null if the source gives none for this inode
 * @param fd     the O_PATH fd that holds the inode (kept in the store), or null if the handle alone names it
 */
record Inode(long nodeid, long generation, long dev, long ino, FileHandle handle, Fd fd) {
    /** The key of the (dev, ino) index. */
    record Key(long dev, long ino) {}

    Inode {
        if (handle == null && fd == null) throw new IllegalArgumentException("node " + nodeid + " has neither handle nor fd");
    }

    Key key() {
        return new Key(dev, ino);
    }

    /** This inode, also held by {@code pin}. */
    Inode pinnedBy(Fd pin) {
        return new Inode(nodeid, generation, dev, ino, handle, pin);
    }
}

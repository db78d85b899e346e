package org.fdstore.passthrough;

import org.fdstore.linux.Fd;

/**
 * One inode the kernel knows: its node id, the generation of that id, its identity on the source, and the O_PATH
 * fd that holds it. The lookup count lives in the {@link StateFile}.
 *
 * <p>Immutable; the fd is owned by the {@link InodeTable}.
 */
record Inode(long nodeid, long generation, long dev, long ino, Fd path) {
    /** The key of the (dev, ino) index. */
    record Key(long dev, long ino) {}

    Key key() {
        return new Key(dev, ino);
    }
}

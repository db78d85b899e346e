package org.fdstore.passthrough;

import org.fdstore.fuse.FuseEntry;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Stat;

/**
 * Finds names on the source and turns them into inodes the kernel can hold: each successful lookup adds one
 * reference, which a FORGET takes back.
 */
final class Lookups {
    private final Shared shared;

    Lookups(Shared shared) {
        this.shared = shared;
    }

    /** LOOKUP of {@code name} in {@code parent}: an entry with one more reference on its inode. */
    FuseEntry lookup(Inode parent, byte[] name) throws LinuxException {
        Fd path = Fcntl.openat(parent.path(), name, Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0);
        return entry(path);
    }

    /** The entry for a freshly opened O_PATH fd; takes ownership of it. */
    FuseEntry entry(Fd path) throws LinuxException {
        FileStat st;
        try {
            st = stat(path);
        } catch (LinuxException e) {
            path.close();
            throw e;
        }
        Inode inode = shared.inodes.lookup(st.dev(), st.ino(), path, shared.store::saveInode);
        return Attrs.entry(inode, st);
    }

    /** The entry of a known inode for a reply that gives the kernel one more reference (LINK). */
    FuseEntry entry(Inode inode) throws LinuxException {
        FileStat st = stat(inode.path());
        shared.inodes.addLookup(inode);
        return Attrs.entry(inode, st);
    }

    /** FORGET: drops {@code count} references; the last one closes the fd and removes it from the store. */
    void forget(long nodeid, long count) {
        Inode gone = shared.inodes.forget(nodeid, count);
        if (gone == null) return;
        gone.path().close();
        shared.store.dropInode(nodeid);
        shared.inodes.release(nodeid);
    }

    static FileStat stat(Fd path) throws LinuxException {
        return Stat.fstatat(path, new byte[0], Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW);
    }
}

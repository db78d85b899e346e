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
 *
 * <p>Thread safe.
 */
final class Lookups {
    private final Shared shared;

    Lookups(Shared shared) {
        this.shared = shared;
    }

    /** LOOKUP of {@code name} in {@code parent}: an entry with one more reference on its inode. */
    FuseEntry lookup(Inode parent, byte[] name) throws LinuxException {
        try (InodeFd dir = shared.inodes.open(parent)) {
            return lookup(dir.fd(), name);
        }
    }

    /** LOOKUP of {@code name} in the directory {@code dir} (any fd on the parent, which the caller keeps). */
    FuseEntry lookup(Fd dir, byte[] name) throws LinuxException {
        return entry(Fcntl.openat(dir, name, Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0));
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
        Inode inode = shared.inodes.lookup(st, path, created -> {
            if (created.fd() != null) shared.store.saveInode(created);
        });
        return Attrs.entry(inode, st);
    }

    /** The entry of a known inode for a reply that gives the kernel one more reference (LINK). */
    FuseEntry entry(Inode inode) throws LinuxException {
        FileStat st;
        try (InodeFd path = shared.inodes.open(inode)) {
            st = stat(path.fd());
        }
        shared.inodes.addLookup(inode);
        return Attrs.entry(inode, st);
    }

    /** FORGET: drops {@code count} references; the last one closes the inode's fd and removes it from the store. */
    void forget(long nodeid, long count) {
        Inode gone = shared.inodes.forget(nodeid, count);
        if (gone == null) return;
        if (gone.fd() != null) {
            gone.fd().close();
            shared.store.dropInode(nodeid);
        }
        shared.inodes.release(nodeid);
    }

    /**
     * Before {@code name} in {@code dir} is removed (unlink, rmdir, rename over it): if it is the last name of an
     * inode the kernel holds by file handle, pins the inode with an O_PATH fd, kept in the store. A handle opens only
     * while something holds its inode (measured on ext4 and tmpfs: ESTALE once it is freed), and the kernel may go
     * on using the inode without an open file: a process whose working directory was removed, an O_PATH fd.
     * Nothing happens if the name is missing (the removal then fails as it should) or has other links.
     */
    void pinLastName(Fd dir, byte[] name) {
        Fd fd;
        try {
            fd = Fcntl.openat(dir, name, Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0);
        } catch (LinuxException e) {
            return;
        }
        try {
            FileStat st = stat(fd);
            Inode inode = shared.inodes.find(st.dev(), st.ino());
            boolean lastName = st.type() == Stat.S_IFDIR || st.nlink() <= 1;
            if (inode == null || inode.fd() != null || !lastName) {
                fd.close();
                return;
            }
            shared.inodes.pin(inode, fd, shared.store::saveInode);
        } catch (LinuxException e) {
            fd.close();
        }
    }

    static FileStat stat(Fd path) throws LinuxException {
        return Stat.fstatat(path, new byte[0], Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW);
    }
}

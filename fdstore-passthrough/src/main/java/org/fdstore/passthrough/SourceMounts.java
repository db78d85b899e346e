package org.fdstore.passthrough;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileHandle;
import org.fdstore.linux.FileHandles;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Stat;

/**
 * One fd per source file system (st_dev), through which the file handles of its inodes open again:
 * open_by_handle_at needs an fd on the inode's file system, and not an O_PATH one, so each is a directory opened for
 * reading. Each is kept in the store ({@link MountStore#saveSource}), so a successor opens the same handles.
 *
 * <p>A file system is probed when its first directory is looked up: if a handle of that directory does not open
 * again (no export support, EOPNOTSUPP; no CAP_DAC_READ_SEARCH, EPERM), the file system gets no fd and its inodes
 * are held by O_PATH fds, as before file handles.
 *
 * <p>Thread safe. Probing is serialised, so that a file system's fd is sent to the store before any inode named by
 * a handle on it is answered.
 */
final class SourceMounts {
    private static final System.Logger LOG = System.getLogger("fdstore.passthrough");

    private final Map<Long, Fd> byDev = new ConcurrentHashMap<>();
    private final Set<Long> withoutHandles = ConcurrentHashMap.newKeySet();
    private final BiConsumer<Long, Fd> saved;

    /** @param saved called once with each new file system's fd, to keep it in the store */
    SourceMounts(BiConsumer<Long, Fd> saved) {
        this.saved = saved;
    }

    /** Installs the fd of file system {@code dev} restored from the store; takes ownership of it. */
    void install(long dev, Fd fd) {
        Fd previous = byDev.put(dev, fd);
        if (previous != null) previous.close();
    }

    /**
     * The file handle of the inode {@code path} holds (an O_PATH fd, {@code st} its stat), if it can name the inode
     * from now on; null if the inode must be held by its fd (the file system gives no handles, or a handle longer
     * than a state-file slot holds).
     */
    FileHandle handleOf(Fd path, FileStat st) {
        if (withoutHandles.contains(st.dev())) return null;
        if (!byDev.containsKey(st.dev()) && !probe(path, st)) return null;
        try {
            FileHandle handle = FileHandles.name_to_handle_at(path, new byte[0], Fcntl.AT_EMPTY_PATH);
            return handle.length() <= StateFile.HANDLE_BYTES ? handle : null;
        } catch (LinuxException e) {
            return null;
        }
    }

    /** An O_PATH fd on {@code inode} from its handle; the caller closes it. */
    Fd open(Inode inode) throws LinuxException {
        Fd mount = byDev.get(inode.dev());
        if (mount == null) {
            throw new LinuxException("node " + inode.nodeid(), Errno.ESTALE, "no fd on source file system dev "
                    + inode.dev());
        }
        return FileHandles.open_by_handle_at(mount, inode.handle(), Fcntl.O_PATH);
    }

    int size() {
        return byDev.size();
    }

    /** Closes every file system's fd; the store keeps its own references. */
    void closeAll() {
        byDev.values().forEach(Fd::close);
        byDev.clear();
    }

    private synchronized boolean probe(Fd path, FileStat st) {
        long dev = st.dev();
        if (byDev.containsKey(dev)) return true;
        if (withoutHandles.contains(dev) || st.type() != Stat.S_IFDIR) return false;
        Fd mount;
        try {
            mount = Fcntl.openat(path, ".", Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0);
        } catch (LinuxException e) {
            return false;   // Not this directory, perhaps the next one.
        }
        try (Fd reopened = FileHandles.open_by_handle_at(mount,
                FileHandles.name_to_handle_at(path, new byte[0], Fcntl.AT_EMPTY_PATH), Fcntl.O_PATH)) {
            byDev.put(dev, mount);
            saved.accept(dev, mount);
            LOG.log(System.Logger.Level.INFO, "event=source_handles dev=" + dev + " held_by=file_handle");
            return true;
        } catch (LinuxException e) {
            mount.close();
            withoutHandles.add(dev);
            LOG.log(System.Logger.Level.INFO, "event=source_handles dev=" + dev + " held_by=fd reason=\""
                    + e.getMessage() + "\"");
            return false;
        }
    }
}

package org.fdstore.passthrough;

import org.fdstore.fuse.FuseAttr;
import org.fdstore.fuse.FuseEntry;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Proc;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Stdio;
import org.fdstore.linux.Timespec;
import org.fdstore.linux.Unistd;

/**
 * Operations on names and inodes: create nodes, link, unlink, rename, read and change attributes. Creation runs
 * with the caller's identity ({@link Caller}); the rest runs as the daemon, because the kernel has already checked
 * permissions (the mount uses default_permissions).
 */
final class NodeOps {
    /** renameat2: swap the two names; neither inode loses a name. */
    private static final int RENAME_EXCHANGE = 2;

    private final Shared shared;
    private final Lookups lookups;

    NodeOps(Shared shared, Lookups lookups) {
        this.shared = shared;
        this.lookups = lookups;
    }

    FuseAttr getattr(FuseRequest.Getattr request) throws LinuxException {
        if ((request.flags() & FuseRequest.Getattr.GETATTR_FH) != 0) {
            return Attrs.of(Stat.fstat(shared.handles.get(request.fh()).fd()));
        }
        return Attrs.of(statOf(request.context().nodeId()));
    }

    FuseAttr setattr(FuseRequest.Setattr r) throws LinuxException {
        try (InodeFd inode = shared.inodes.open(r.context().nodeId())) {
            return setattr(r, inode.fd());
        }
    }

    private FuseAttr setattr(FuseRequest.Setattr r, Fd path) throws LinuxException {
        Handle handle = (r.valid() & FuseRequest.Setattr.FATTR_FH) != 0 ? shared.handles.get(r.fh()) : null;
        int valid = r.valid();
        if ((valid & FuseRequest.Setattr.FATTR_MODE) != 0) chmod(path, handle, r.mode());
        if ((valid & (FuseRequest.Setattr.FATTR_UID | FuseRequest.Setattr.FATTR_GID)) != 0) {
            int uid = (valid & FuseRequest.Setattr.FATTR_UID) != 0 ? r.uid() : -1;
            int gid = (valid & FuseRequest.Setattr.FATTR_GID) != 0 ? r.gid() : -1;
            Unistd.fchownat(path, new byte[0], uid, gid, Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW);
        }
        if ((valid & FuseRequest.Setattr.FATTR_SIZE) != 0) {
            if (handle != null) Unistd.ftruncate(handle.fd(), r.size());
            else Proc.withFdPath(path, procPath -> {
                Unistd.truncate(procPath, r.size());
                return null;
            });
        }
        if ((valid & (FuseRequest.Setattr.FATTR_ATIME | FuseRequest.Setattr.FATTR_MTIME)) != 0) {
            Timespec atime = time(valid, FuseRequest.Setattr.FATTR_ATIME, FuseRequest.Setattr.FATTR_ATIME_NOW,
                    r.atime(), r.atimeNsec());
            Timespec mtime = time(valid, FuseRequest.Setattr.FATTR_MTIME, FuseRequest.Setattr.FATTR_MTIME_NOW,
                    r.mtime(), r.mtimeNsec());
            Stat.utimensat(path, new byte[0], new Timespec[] {atime, mtime},
                    Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW);
        }
        if ((valid & FuseRequest.Setattr.FATTR_KILL_SUIDGID) != 0 && (valid & FuseRequest.Setattr.FATTR_MODE) == 0) {
            // A truncate or chown by a caller without CAP_FSETID (HANDLE_KILLPRIV_V2).
            SetIdBits.clear(handle != null ? Stat.fstat(handle.fd()) : Lookups.stat(path), r.context(),
                    mode -> chmod(path, handle, mode));
        }
        return Attrs.of(handle != null ? Stat.fstat(handle.fd()) : Lookups.stat(path));
    }

    private static void chmod(Fd path, Handle handle, int mode) throws LinuxException {
        if (handle != null) Stat.fchmod(handle.fd(), mode);
        else Stat.chmodProcSelfFd(path, mode);
    }

    private static Timespec time(int valid, int set, int now, long seconds, long nanos) {
        if ((valid & set) == 0) return Timespec.OMIT;
        if ((valid & now) != 0) return Timespec.NOW;
        return new Timespec(seconds, nanos);
    }

    byte[] readlink(FuseRequest.Readlink r) throws LinuxException {
        try (InodeFd link = shared.inodes.open(r.context().nodeId())) {
            return Unistd.readlinkat(link.fd(), new byte[0]);
        }
    }

    FuseEntry mkdir(FuseRequest.Mkdir r) throws LinuxException {
        try (InodeFd dir = shared.inodes.open(r.context().nodeId())) {
            Caller.as(r.context(), () -> {
                Stat.mkdirat(dir.fd(), r.name(), r.mode());
                return null;
            });
            return lookups.lookup(dir.fd(), r.name());
        }
    }

    FuseEntry mknod(FuseRequest.Mknod r) throws LinuxException {
        try (InodeFd dir = shared.inodes.open(r.context().nodeId())) {
            Caller.as(r.context(), () -> {
                Stat.mknodat(dir.fd(), r.name(), r.mode(), Integer.toUnsignedLong(r.rdev()));
                return null;
            });
            return lookups.lookup(dir.fd(), r.name());
        }
    }

    FuseEntry symlink(FuseRequest.Symlink r) throws LinuxException {
        try (InodeFd dir = shared.inodes.open(r.context().nodeId())) {
            Caller.as(r.context(), () -> {
                Unistd.symlinkat(r.target(), dir.fd(), r.name());
                return null;
            });
            return lookups.lookup(dir.fd(), r.name());
        }
    }

    FuseEntry link(FuseRequest.Link r) throws LinuxException {
        Inode target = shared.inodes.get(r.oldNodeId());
        Inode newParent = shared.inodes.get(r.context().nodeId());
        try (InodeFd from = shared.inodes.open(target); InodeFd to = shared.inodes.open(newParent)) {
            Unistd.linkat(from.fd(), new byte[0], to.fd(), r.newName(), Fcntl.AT_EMPTY_PATH);
        }
        return lookups.entry(target);
    }

    void unlink(FuseRequest.Unlink r) throws LinuxException {
        remove(r.context().nodeId(), r.name(), 0);
    }

    void rmdir(FuseRequest.Rmdir r) throws LinuxException {
        remove(r.context().nodeId(), r.name(), Fcntl.AT_REMOVEDIR);
    }

    private void remove(long dir, byte[] name, int flags) throws LinuxException {
        try (InodeFd parent = shared.inodes.open(dir)) {
            lookups.pinLastName(parent.fd(), name);
            Unistd.unlinkat(parent.fd(), name, flags);
        }
    }

    void rename(long oldDir, byte[] oldName, long newDir, byte[] newName, int flags) throws LinuxException {
        try (InodeFd from = shared.inodes.open(oldDir); InodeFd to = shared.inodes.open(newDir)) {
            if ((flags & RENAME_EXCHANGE) == 0) lookups.pinLastName(to.fd(), newName);
            Stdio.renameat2(from.fd(), oldName, to.fd(), newName, flags);
        }
    }

    FileStat statOf(long nodeid) throws LinuxException {
        try (InodeFd inode = shared.inodes.open(nodeid)) {
            return Lookups.stat(inode.fd());
        }
    }
}

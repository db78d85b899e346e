package org.fdstore.passthrough;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.fdstore.fuse.DirentBuffer;
import org.fdstore.fuse.FuseEntry;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.linux.Dirent;
import org.fdstore.linux.Dirents;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Proc;

/**
 * Directory listings. Each READDIR resumes at the kernel's offset, which is the source's own d_off, so a listing
 * continues correctly on a restored handle after a takeover. READDIRPLUS looks every name up, adding a reference
 * the kernel will forget, except for "." and "..".
 */
final class DirOps {
    private static final int BUFFER = 64 * 1024;
    private static final ThreadLocal<MemorySegment> DIRENTS =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BUFFER, 8));

    private final Shared shared;
    private final Lookups lookups;
    private final FileOps files;

    DirOps(Shared shared, Lookups lookups, FileOps files) {
        this.shared = shared;
        this.lookups = lookups;
        this.files = files;
    }

    long opendir(FuseRequest.Opendir r) throws LinuxException {
        Inode inode = shared.inodes.get(r.context().nodeId());
        Fd fd;
        try (InodeFd dir = shared.inodes.open(inode)) {
            fd = Proc.withFdPath(dir.fd(), path -> Fcntl.openat(null, path, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0));
        }
        return files.register(inode.nodeid(), fd, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, true, r.context().unique()).fh();
    }

    DirentBuffer readdir(FuseRequest.Readdir r) throws LinuxException {
        DirentBuffer out = DirentBuffer.of(r);
        fill(shared.handles.get(r.fh()), r.offset(), out, false);
        return out;
    }

    DirentBuffer readdirplus(FuseRequest.Readdirplus r) throws LinuxException {
        DirentBuffer out = DirentBuffer.of(r);
        Handle handle = shared.handles.get(r.fh());
        fill(handle, r.offset(), out, true);
        return out;
    }

    private void fill(Handle handle, long offset, DirentBuffer out, boolean plus) throws LinuxException {
        MemorySegment buffer = DIRENTS.get();
        // One handle is never read by two threads at once: the kernel holds the directory's f_pos lock.
        Dirents.seek(handle.fd(), offset);
        while (true) {
            List<Dirent> batch = Dirents.read(handle.fd(), buffer);
            if (batch.isEmpty()) return;
            for (Dirent d : batch) {
                if (!add(out, d, plus ? handle.fd() : null)) return;
            }
        }
    }

    /** Adds one name; with {@code plusDir} (the listed directory's open fd), looks it up too. */
    private boolean add(DirentBuffer out, Dirent d, Fd plusDir) throws LinuxException {
        if (plusDir == null || d.isDotOrDotDot()) return out.add(d.name(), d.ino(), d.type() << 12, d.off());
        FuseEntry entry;
        try {
            entry = lookups.lookup(plusDir, d.name());
        } catch (LinuxException e) {
            return true;  // Gone since getdents listed it: leave it out, as a later listing would.
        }
        if (out.add(d.name(), entry, d.off())) return true;
        lookups.forget(entry.nodeId(), 1);
        return false;
    }
}

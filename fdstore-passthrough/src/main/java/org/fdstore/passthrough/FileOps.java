package org.fdstore.passthrough;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.fdstore.fuse.FopenFlags;
import org.fdstore.fuse.FuseContext;
import org.fdstore.fuse.FuseEntry;
import org.fdstore.fuse.FuseReply;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Proc;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;

/**
 * Open files. A regular file opens with kernel passthrough: its inode's first open registers a backing file
 * (FUSE_DEV_IOC_BACKING_OPEN), which every open of the inode then shares ({@link BackingFiles}), and the kernel reads,
 * writes and maps it directly, without this daemon, which keeps working while no daemon runs. The open fd is kept in
 * the store under the handle number, so a successor can still fsync, flush and release it.
 */
final class FileOps {
    /**
     * Flags that applied to the name the kernel has already resolved. O_NOFOLLOW would refuse the /proc/self/fd
     * link a re-open goes through (ELOOP: sqlite3 opens its database with it).
     */
    private static final int IGNORED_ON_REOPEN = Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_NOCTTY | Fcntl.O_NOFOLLOW;
    private static final int FOPEN_KEEP_CACHE = 1 << 1;
    /** max_write and the most a READ asks for. */
    private static final int MAX_IO = 1 << 20;
    /** What O_DIRECT asks of a buffer's address (the page size covers every block size). */
    private static final int DIRECT_ALIGNMENT = 4096;
    /**
     * Each reader thread reads into its own buffer, aligned for O_DIRECT; the reply is written before the thread
     * takes the next request. A write to an O_DIRECT file goes through it too: the data of a WRITE request sits at
     * an unaligned offset of the request, which O_DIRECT refuses (EINVAL).
     */
    private static final ThreadLocal<MemorySegment> IO_BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(MAX_IO, DIRECT_ALIGNMENT));

    private final Shared shared;
    private final Lookups lookups;

    FileOps(Shared shared, Lookups lookups) {
        this.shared = shared;
        this.lookups = lookups;
    }

    FuseReply open(FuseRequest.Open r) throws LinuxException {
        Inode inode = shared.inodes.get(r.context().nodeId());
        int flags = r.flags() & ~IGNORED_ON_REOPEN;
        Fd fd;
        try (InodeFd file = shared.inodes.open(inode)) {
            fd = Proc.withFdPath(file.fd(), path -> Fcntl.openat(null, path, flags, 0));
        }
        try {
            if ((r.openFlags() & FopenFlags.REQUEST_KILL_SUIDGID) != 0) {
                if (SetIdBits.clear(Stat.fstat(fd), r.context(), mode -> Stat.fchmod(fd, mode))) {
                    shared.attributesChanged(inode.nodeid());
                }
            }
        } catch (LinuxException e) {
            fd.close();
            throw e;
        }
        return openReply(register(inode.nodeid(), fd, flags, false, r.context().unique()));
    }

    static FuseReply openReply(Handle handle) {
        return handle.backingId() > 0 ? FuseReply.openPassthrough(handle.fh(), 0, handle.backingId())
                : FuseReply.open(handle.fh(), FOPEN_KEEP_CACHE);
    }

    FuseReply create(FuseRequest.Create r) throws LinuxException {
        Inode parent = shared.inodes.get(r.context().nodeId());
        int flags = r.flags() & ~Fcntl.O_NOCTTY;
        Fd fd;
        try (InodeFd dir = shared.inodes.open(parent)) {
            fd = Caller.as(r.context(), () -> Fcntl.openat(dir.fd(), r.name(), flags | Fcntl.O_CREAT, r.mode()));
        }
        FuseEntry entry;
        try {
            entry = lookups.lookup(parent, r.name());
        } catch (LinuxException e) {
            fd.close();
            throw e;
        }
        Handle handle = register(entry.nodeId(), fd, flags & ~(Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_TRUNC), false,
                r.context().unique());
        return createReply(entry, handle);
    }

    static FuseReply createReply(FuseEntry entry, Handle handle) {
        return handle.backingId() > 0 ? FuseReply.createPassthrough(entry, handle.fh(), 0, handle.backingId())
                : FuseReply.create(entry, handle.fh(), FOPEN_KEEP_CACHE);
    }

    /**
     * Records an open fd as a handle, with its inode's shared backing id when passthrough applies (see
     * {@link BackingFiles}; not for set-id files, see {@link SetIdBits#any}), and saves it in the store.
     */
    Handle register(long nodeid, Fd fd, int flags, boolean directory, long unique) throws LinuxException {
        int backingId = 0;
        if (!directory) {
            FileStat st;
            try {
                st = Stat.fstat(fd);
            } catch (LinuxException e) {
                fd.close();
                throw e;
            }
            boolean passthrough = st.type() == Stat.S_IFREG && !SetIdBits.any(st.mode()) && shared.passthrough();
            backingId = shared.backing.acquire(nodeid, fd, passthrough);
        }
        Handle handle = new Handle(shared.handles.reserve(), nodeid, fd, flags, backingId, directory,
                unique & ~FuseContext.UNIQUE_RESEND);
        shared.handles.put(handle);
        shared.store.saveHandle(handle);
        return handle;
    }

    FuseReply read(FuseRequest.Read r) throws LinuxException {
        Handle handle = shared.handles.get(r.fh());
        MemorySegment buffer = IO_BUFFER.get();
        long n = Unistd.pread(handle.fd(), buffer, Math.min(r.size(), MAX_IO), r.offset());
        return FuseReply.data(buffer.asSlice(0, n));
    }

    FuseReply write(FuseRequest.Write r) throws LinuxException {
        Handle handle = shared.handles.get(r.fh());
        MemorySegment data = r.data();
        if ((handle.openFlags() & Fcntl.O_DIRECT) != 0 && data.address() % DIRECT_ALIGNMENT != 0) {
            data = IO_BUFFER.get().asSlice(0, data.byteSize()).copyFrom(data);
        }
        long written = Unistd.pwrite(handle.fd(), data, r.size(), r.offset());
        if ((r.writeFlags() & FuseRequest.Write.WRITE_KILL_SUIDGID) != 0) {
            if (SetIdBits.clear(Stat.fstat(handle.fd()), r.context(), mode -> Stat.fchmod(handle.fd(), mode))) {
                shared.attributesChanged(handle.nodeid());
            }
        }
        return FuseReply.written(written);
    }

    /**
     * RELEASE and RELEASEDIR. The store's removal of the handle is sent (and so durable) before its backing id can be
     * closed: a crash in between leaves a registered id that no stored handle names (a kernel reference until the
     * connection ends), never a stored handle whose id is gone, which a successor would hand to the next open.
     */
    void release(long fh) {
        Handle handle = shared.handles.remove(fh);
        if (handle == null) return;
        shared.store.dropHandle(fh);
        handle.fd().close();
        if (!handle.directory()) shared.backing.release(handle.nodeid(), handle.backingId());
        shared.handles.release(fh);
    }

    /** FLUSH: closing a duplicate releases the POSIX locks the closing process held, as close(2) would. */
    void flush(long fh) throws LinuxException {
        shared.handles.get(fh).fd().duplicate().close();
    }

    void fsync(long fh, int fsyncFlags) throws LinuxException {
        Fd fd = shared.handles.get(fh).fd();
        if ((fsyncFlags & 1) != 0) Unistd.fdatasync(fd);
        else Unistd.fsync(fd);
    }

    void fallocate(FuseRequest.Fallocate r) throws LinuxException {
        Fcntl.fallocate(shared.handles.get(r.fh()).fd(), r.mode(), r.offset(), r.length());
    }

    long lseek(FuseRequest.Lseek r) throws LinuxException {
        return Unistd.lseek(shared.handles.get(r.fh()).fd(), r.offset(), r.whence());
    }

    long copyFileRange(FuseRequest.CopyFileRange r) throws LinuxException {
        Fd in = shared.handles.get(r.fhIn()).fd();
        Fd out = shared.handles.get(r.fhOut()).fd();
        return Unistd.copy_file_range(in, r.offIn(), out, r.offOut(), r.length(), (int) r.flags());
    }
}

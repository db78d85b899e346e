package org.fdstore.passthrough;

import org.fdstore.fuse.FuseFilesystem;
import org.fdstore.fuse.FuseReply;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.fuse.FuseStatfs;
import org.fdstore.fuse.InitFlags;
import org.fdstore.fuse.InitResult;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FsStats;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Statfs;

/**
 * A filesystem that mirrors a source directory, like libfuse's passthrough_hp: every inode is named by its file
 * handle (or held by an O_PATH fd where the source gives no handles), open files use kernel passthrough, and all of it is kept in the fd store so another process can take the
 * mount over at any moment.
 *
 * <p>Thread safe: the session's reader threads call {@link #handle} concurrently.
 */
public final class PassthroughFs implements FuseFilesystem {
    private final Shared shared;
    private final Lookups lookups;
    private final NodeOps nodes;
    private final FileOps files;
    private final DirOps dirs;
    private final XattrOps xattrs;
    private final ResentRequests resent;
    private final boolean kernelPassthrough;

    /**
     * @param kernelPassthrough whether INIT asks for FUSE passthrough (open files then bypass the daemon); a successor
     *                          serves what the first server agreed, whatever it says here
     */
    PassthroughFs(Shared shared, boolean kernelPassthrough) {
        this.shared = shared;
        this.kernelPassthrough = kernelPassthrough;
        this.lookups = new Lookups(shared);
        this.nodes = new NodeOps(shared, lookups);
        this.files = new FileOps(shared, lookups);
        this.dirs = new DirOps(shared, lookups, files);
        this.xattrs = new XattrOps(shared);
        this.resent = new ResentRequests(shared, lookups, files);
    }

    @Override
    public long unwantedInitFlags() {
        // The kernel then applies the caller's umask itself, and the daemon runs with umask 0.
        return InitFlags.DONT_MASK | (kernelPassthrough ? 0 : InitFlags.PASSTHROUGH);
    }

    @Override
    public void initialized(InitResult agreed, Fd device) {
        shared.connected(device, agreed.has(InitFlags.PASSTHROUGH));
    }

    @Override
    public FuseReply handle(FuseRequest request) throws LinuxException {
        try {
            FuseReply earlier = request.context().resent() ? resent.alreadyOpened(request) : null;
            return earlier != null ? earlier : dispatch(request);
        } catch (LinuxException e) {
            FuseReply done = request.context().resent() ? resent.complete(request, e) : null;
            if (done == null) throw e;
            return done;
        }
    }

    private FuseReply dispatch(FuseRequest request) throws LinuxException {
        return switch (request) {
            case FuseRequest.Lookup r -> FuseReply.entry(lookups.lookup(shared.inodes.get(r.context().nodeId()), r.name()));
            case FuseRequest.Forget r -> {
                lookups.forget(r.context().nodeId(), r.nlookup());
                yield FuseReply.none();
            }
            case FuseRequest.BatchForget r -> {
                r.nodes().forEach(n -> lookups.forget(n.nodeId(), n.nlookup()));
                yield FuseReply.none();
            }
            case FuseRequest.Getattr r -> FuseReply.attr(nodes.getattr(r), Attrs.TIMEOUT);
            case FuseRequest.Setattr r -> FuseReply.attr(nodes.setattr(r), Attrs.TIMEOUT);
            case FuseRequest.Readlink r -> FuseReply.readlink(nodes.readlink(r));
            case FuseRequest.Symlink r -> FuseReply.entry(nodes.symlink(r));
            case FuseRequest.Mknod r -> FuseReply.entry(nodes.mknod(r));
            case FuseRequest.Mkdir r -> FuseReply.entry(nodes.mkdir(r));
            case FuseRequest.Link r -> FuseReply.entry(nodes.link(r));
            case FuseRequest.Unlink r -> {
                nodes.unlink(r);
                yield FuseReply.ok();
            }
            case FuseRequest.Rmdir r -> {
                nodes.rmdir(r);
                yield FuseReply.ok();
            }
            case FuseRequest.Rename r -> {
                nodes.rename(r.context().nodeId(), r.oldName(), r.newDir(), r.newName(), 0);
                yield FuseReply.ok();
            }
            case FuseRequest.Rename2 r -> {
                nodes.rename(r.context().nodeId(), r.oldName(), r.newDir(), r.newName(), r.flags());
                yield FuseReply.ok();
            }
            case FuseRequest.Open r -> files.open(r);
            case FuseRequest.Create r -> files.create(r);
            case FuseRequest.Read r -> files.read(r);
            case FuseRequest.Write r -> files.write(r);
            case FuseRequest.Release r -> {
                files.release(r.fh());
                yield FuseReply.ok();
            }
            case FuseRequest.Flush r -> {
                files.flush(r.fh());
                yield FuseReply.ok();
            }
            case FuseRequest.Fsync r -> {
                files.fsync(r.fh(), r.fsyncFlags());
                yield FuseReply.ok();
            }
            case FuseRequest.Fallocate r -> {
                files.fallocate(r);
                yield FuseReply.ok();
            }
            case FuseRequest.Lseek r -> FuseReply.lseek(files.lseek(r));
            case FuseRequest.CopyFileRange r -> FuseReply.written(files.copyFileRange(r));
            case FuseRequest.Opendir r -> FuseReply.open(dirs.opendir(r), 0);
            case FuseRequest.Readdir r -> FuseReply.directory(dirs.readdir(r));
            case FuseRequest.Readdirplus r -> FuseReply.directory(dirs.readdirplus(r));
            case FuseRequest.Releasedir r -> {
                files.release(r.fh());
                yield FuseReply.ok();
            }
            case FuseRequest.Fsyncdir r -> {
                files.fsync(r.fh(), r.fsyncFlags());
                yield FuseReply.ok();
            }
            case FuseRequest.Statfs r -> FuseReply.statfs(statfs(r.context().nodeId()));
            case FuseRequest.Getxattr r -> xattrs.get(r);
            case FuseRequest.Listxattr r -> xattrs.list(r);
            case FuseRequest.Setxattr r -> {
                xattrs.set(r);
                yield FuseReply.ok();
            }
            case FuseRequest.Removexattr r -> {
                xattrs.remove(r);
                yield FuseReply.ok();
            }
            case FuseRequest.Access r -> FuseReply.ok();
            case FuseRequest.Interrupt r -> FuseReply.none();
            case FuseRequest.Destroy r -> FuseReply.ok();
            // STATX: ENOSYS makes the kernel fall back to GETATTR, which carries everything stat needs.
            default -> FuseReply.error(Errno.ENOSYS);
        };
    }

    private FuseStatfs statfs(long nodeid) throws LinuxException {
        FsStats s;
        try (InodeFd inode = shared.inodes.open(nodeid)) {
            s = Statfs.fstatfs(inode.fd());
        }
        return new FuseStatfs(s.blocks(), s.bfree(), s.bavail(), s.files(), s.ffree(), (int) s.bsize(),
                (int) s.namelen(), (int) s.frsize());
    }
}

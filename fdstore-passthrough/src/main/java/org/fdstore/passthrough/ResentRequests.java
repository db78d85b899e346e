package org.fdstore.passthrough;

import org.fdstore.fuse.FuseContext;
import org.fdstore.fuse.FuseReply;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Xattr;

/**
 * Completes requests that a dead server had already carried out but not answered. After a takeover the kernel
 * resends them (bit 63 of unique set); doing one again fails the way a second attempt fails: EEXIST for a create,
 * ENOENT for an unlink. For a resent request those errors mean "done before the crash", so it is answered as the
 * first attempt would have been, and the application sees no error.
 */
final class ResentRequests {
    private final Shared shared;
    private final Lookups lookups;
    private final FileOps files;

    ResentRequests(Shared shared, Lookups lookups, FileOps files) {
        this.shared = shared;
        this.lookups = lookups;
        this.files = files;
    }

    /**
     * The answer to a resent OPEN, OPENDIR or CREATE that the dead server had already carried out: the handle it
     * opened then, which the kernel never heard of. Null if there is none, and the request is handled as new.
     */
    FuseReply alreadyOpened(FuseRequest request) throws LinuxException {
        Handle handle = shared.handles.openedBy(request.context().unique() & ~FuseContext.UNIQUE_RESEND);
        if (handle == null) return null;
        return switch (request) {
            case FuseRequest.Open r -> FileOps.openReply(handle);
            case FuseRequest.Opendir r -> FuseReply.open(handle.fh(), 0);
            case FuseRequest.Create r -> FileOps.createReply(lookups.entry(shared.inodes.get(handle.nodeid())), handle);
            default -> null;
        };
    }

    /** The answer to a resent {@code request} that failed with {@code failure}, or null if the failure stands. */
    FuseReply complete(FuseRequest request, LinuxException failure) throws LinuxException {
        Errno errno = failure.errno();
        return switch (request) {
            case FuseRequest.Mkdir r when errno == Errno.EEXIST -> entry(r.context().nodeId(), r.name());
            case FuseRequest.Mknod r when errno == Errno.EEXIST -> entry(r.context().nodeId(), r.name());
            case FuseRequest.Symlink r when errno == Errno.EEXIST -> entry(r.context().nodeId(), r.name());
            case FuseRequest.Link r when errno == Errno.EEXIST -> entry(r.context().nodeId(), r.newName());
            case FuseRequest.Create r when errno == Errno.EEXIST -> files.create(new FuseRequest.Create(r.context(),
                    r.flags() & ~(Fcntl.O_EXCL | Fcntl.O_TRUNC), r.mode(), r.umask(), r.openFlags(), r.name()));
            case FuseRequest.Unlink r when errno == Errno.ENOENT -> FuseReply.ok();
            case FuseRequest.Rmdir r when errno == Errno.ENOENT -> FuseReply.ok();
            case FuseRequest.Rename r when errno == Errno.ENOENT -> FuseReply.ok();
            case FuseRequest.Rename2 r when errno == Errno.ENOENT -> FuseReply.ok();
            case FuseRequest.Setxattr r when errno == Errno.EEXIST && (r.flags() & Xattr.XATTR_CREATE) != 0 -> FuseReply.ok();
            case FuseRequest.Removexattr r when errno == Errno.ENODATA -> FuseReply.ok();
            default -> null;
        };
    }

    private FuseReply entry(long parent, byte[] name) throws LinuxException {
        return FuseReply.entry(lookups.lookup(shared.inodes.get(parent), name));
    }
}

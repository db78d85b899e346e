package org.fdstore.fuse;

import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;

/**
 * A filesystem served by a {@link FuseSession}: one method answers every request.
 *
 * <p>{@link #handle} is called by the session's reader threads, several at once: implementations must be thread
 * safe. It is never called before {@link #initialized} has returned, and never for INIT or for opcodes the framework
 * does not know (those get ENOSYS). A typical implementation is an exhaustive {@code switch} over the sealed
 * {@link FuseRequest} with {@code default -> FuseReply.error(Errno.ENOSYS)}.
 *
 * <p>Errors: throw a {@link LinuxException} and the kernel gets its errno. Any other exception, a null reply, or a
 * reply that does not fit the request becomes EIO and a WARNING log. Every request except FORGET, BATCH_FORGET and
 * INTERRUPT gets exactly one reply, whatever the handler does.
 */
public interface FuseFilesystem {
    /**
     * Answers one request. Blocking is allowed (the reader thread is a platform thread), but each blocked call holds
     * one of the session's readers.
     */
    FuseReply handle(FuseRequest request) throws LinuxException;

    /**
     * {@link InitFlags} this filesystem wants beyond {@link InitFlags#DEFAULT_WANTED}, e.g. POSIX_ACL or
     * WRITEBACK_CACHE. What is agreed is still limited to what the kernel offers.
     */
    default long wantedInitFlags() {
        return 0;
    }

    /** {@link InitFlags} of the defaults this filesystem must not get, e.g. PASSTHROUGH for one that never uses it. */
    default long unwantedInitFlags() {
        return 0;
    }

    /**
     * Called once the connection is usable: after the INIT reply has reached the kernel (so BACKING_OPEN works),
     * or, for a session that took a connection over, when it starts. {@code device} belongs to the session: use it
     * for ioctls, never close it. An exception here is logged and reported by {@link FuseSession#awaitInit}.
     */
    default void initialized(InitResult agreed, Fd device) throws LinuxException {}
}

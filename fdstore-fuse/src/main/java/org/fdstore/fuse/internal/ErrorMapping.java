package org.fdstore.fuse.internal;

import java.lang.System.Logger.Level;
import org.fdstore.linux.Errno;
import org.fdstore.linux.LinuxException;

/**
 * The one mapping from a handler's Throwable to the errno the kernel gets: a {@link LinuxException} keeps its errno
 * (UNKNOWN becomes EIO), anything else is a bug of the filesystem and becomes EIO with a WARNING.
 *
 * <p>Internal: not API. Thread safe.
 */
public final class ErrorMapping {
    private static final System.Logger LOG = System.getLogger("org.fdstore.fuse");

    private ErrorMapping() {}

    /** The errno for {@code failure}, thrown while handling {@code what} (an opcode and unique, for the log). */
    public static Errno errno(Throwable failure, String what) {
        if (failure instanceof LinuxException e) {
            return e.errno() == Errno.UNKNOWN ? Errno.EIO : e.errno();
        }
        LOG.log(Level.WARNING, "event=fuse_handler_failed request=" + what + " errno=EIO exception="
                + failure.getClass().getName() + " message=\"" + failure.getMessage() + "\"", failure);
        return Errno.EIO;
    }
}

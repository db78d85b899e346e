package org.fdstore.passthrough;

import org.fdstore.linux.Fd;

/**
 * An O_PATH fd on one inode for the length of one operation, from {@link InodeTable#open}: either opened from the
 * inode's file handle, and closed by {@link #close()}, or the inode's own fd, lent, which {@link #close()} leaves
 * open. Use it in a try-with-resources statement.
 *
 * <p>Not thread safe: one operation uses it.
 */
final class InodeFd implements AutoCloseable {
    private final Fd fd;
    private final boolean owned;

    private InodeFd(Fd fd, boolean owned) {
        this.fd = fd;
        this.owned = owned;
    }

    /** An fd this object closes. */
    static InodeFd owned(Fd fd) {
        return new InodeFd(fd, true);
    }

    /** An fd its inode keeps: close leaves it open. */
    static InodeFd lent(Fd fd) {
        return new InodeFd(fd, false);
    }

    /** The O_PATH fd; valid until {@link #close()}. */
    Fd fd() {
        return fd;
    }

    @Override
    public void close() {
        if (owned) fd.close();
    }
}

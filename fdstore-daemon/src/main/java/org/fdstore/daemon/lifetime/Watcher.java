package org.fdstore.daemon.lifetime;

import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;

/**
 * The event loop's epoll set, as {@link Lifetimes} uses it: watch an fd under a token, and stop watching it. The
 * loop hands every event whose token {@link Lifetimes#owns} back to {@link Lifetimes#handle}.
 */
public interface Watcher {
    /**
     * Watches {@code fd} for {@code events}, reporting {@code token}.
     *
     * @throws LinuxException EPERM for an fd epoll cannot watch (a regular file, a directory)
     */
    void watch(Fd fd, int events, long token) throws LinuxException;

    /** Stops watching {@code fd}; must come before the fd is closed. Errors are ignored. */
    void unwatch(Fd fd);
}

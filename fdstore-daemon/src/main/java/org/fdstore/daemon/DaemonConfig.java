package org.fdstore.daemon;

import java.nio.file.Path;
import org.fdstore.daemon.server.ServerLimits;

/**
 * How a daemon runs.
 *
 * @param socket     where it listens
 * @param maxEntries the most entries it stores; 0 chooses from RLIMIT_NOFILE, keeping room for connections
 * @param limits     the event loop's limits
 */
public record DaemonConfig(Path socket, int maxEntries, ServerLimits limits) {
    /** A daemon on {@code socket} with default limits. */
    public static DaemonConfig at(Path socket) {
        return new DaemonConfig(socket, 0, ServerLimits.defaults());
    }
}

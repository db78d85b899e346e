package org.fdstore.daemon.continuity;

import java.io.IOException;

/**
 * Starts a process of this build that attaches to the serving daemon as its hot standby ({@code fdstore daemon
 * --standby --socket PATH}). The command line knows how to run this build, so it supplies this.
 */
@FunctionalInterface
public interface StandbyLauncher {
    /** Starts the standby for the daemon on {@code socket}, detached from the caller's session. */
    Process start(java.nio.file.Path socket) throws IOException;
}

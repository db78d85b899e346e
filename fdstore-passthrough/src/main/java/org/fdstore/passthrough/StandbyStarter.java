package org.fdstore.passthrough;

import java.io.IOException;

/**
 * Starts a standby process for a mount ({@code fdstore fs standby MOUNTPOINT}); the command line knows how to run
 * this build, so it supplies this.
 */
@FunctionalInterface
public interface StandbyStarter {
    /** Starts the standby, detached from the caller's session and terminal. */
    Process start() throws IOException;
}

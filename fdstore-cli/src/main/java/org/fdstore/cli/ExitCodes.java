package org.fdstore.cli;

/**
 * The exit codes of the {@code fdstore} command, after s6's small vocabulary; {@link Main} documents them.
 *
 * <p>Constants only.
 */
final class ExitCodes {
    /** Done. */
    static final int OK = 0;
    /** The daemon refused the request with an error reply. */
    static final int REFUSED = 1;
    /** The command line is wrong. */
    static final int USAGE = 100;
    /** A system call failed, or the daemon is unreachable or broke the connection. */
    static final int SYSTEM_CALL_FAILED = 111;

    private ExitCodes() {}
}

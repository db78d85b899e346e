package org.fdstore.daemon.policy;

/**
 * A policy file that cannot be used: the message names the file, the line and what is wrong there, e.g.
 * {@code /etc/fdstore/policy line 7: unknown right "restor"}.
 *
 * <p>Immutable and thread safe.
 */
public final class PolicyException extends Exception {
    private final int line;

    /** A problem at {@code line} (1-based), or 0 for the file as a whole. */
    public PolicyException(String file, int line, String problem) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem);
        this.line = line;
    }

    /** The 1-based line of the problem, or 0 when it concerns the whole file (e.g. it cannot be read). */
    public int line() {
        return line;
    }
}

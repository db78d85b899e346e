package org.fdstore.client;

import java.io.IOException;
import org.fdstore.linux.Errno;

/**
 * A store operation failed: the daemon refused the request, or the connection to it failed.
 *
 * <p>The message says what failed, e.g. {@code no entry with id 1} for a refusal (the daemon's own sentence) or
 * {@code daemon closed the connection on /run/fdstore/fdstore.sock}; the errno is kept apart, so a caller can both
 * show the message and act on the number. {@link #refusedByDaemon()} tells a refusal (the daemon answered with an
 * error reply; a well-formed refusal leaves the connection usable) from a failure on this side or of the connection.
 *
 * <p>Immutable and thread safe.
 */
public class FdStoreException extends IOException {
    private final int errnoNumber;
    private final boolean refusedByDaemon;

    /** A failure on this side or of the connection, with a sentence naming its object. */
    public FdStoreException(Errno errno, String message) {
        this(errno.number(), message, false, null);
    }

    /** A failure on this side or of the connection, caused by {@code cause}. */
    public FdStoreException(Errno errno, String message, Throwable cause) {
        this(errno.number(), message, false, cause);
    }

    private FdStoreException(int errnoNumber, String message, boolean refusedByDaemon, Throwable cause) {
        super(message, cause);
        this.errnoNumber = errnoNumber;
        this.refusedByDaemon = refusedByDaemon;
    }

    /**
     * The daemon's error reply to a request.
     *
     * @param errnoNumber the reply's errno, kept even if {@link Errno} does not list it
     * @param message the reply's message, e.g. {@code no entry with id 1}
     */
    public static FdStoreException refusal(int errnoNumber, String message) {
        return new FdStoreException(errnoNumber, message, true, null);
    }

    /** The error, or {@link Errno#UNKNOWN} for a number the enum does not list (see {@link #errnoNumber()}). */
    public Errno errno() {
        return Errno.of(errnoNumber);
    }

    /** The error number exactly as received or observed. */
    public int errnoNumber() {
        return errnoNumber;
    }

    /** Whether this came from an error reply of the daemon, rather than from this side or a broken connection. */
    public boolean refusedByDaemon() {
        return refusedByDaemon;
    }
}

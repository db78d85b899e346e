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
    private final boolean outcomeUnknown;

    /** A failure on this side or of the connection, with a sentence naming its object. */
    public FdStoreException(Errno errno, String message) {
        this(errno.number(), message, false, false, null);
    }

    /** A failure on this side or of the connection, caused by {@code cause}. */
    public FdStoreException(Errno errno, String message, Throwable cause) {
        this(errno.number(), message, false, false, cause);
    }

    private FdStoreException(int errnoNumber, String message, boolean refusedByDaemon, boolean outcomeUnknown,
            Throwable cause) {
        super(message, cause);
        this.errnoNumber = errnoNumber;
        this.refusedByDaemon = refusedByDaemon;
        this.outcomeUnknown = outcomeUnknown;
    }

    /**
     * The daemon's error reply to a request.
     *
     * @param errnoNumber the reply's errno, kept even if {@link Errno} does not list it
     * @param message the reply's message, e.g. {@code no entry with id 1}
     */
    public static FdStoreException refusal(int errnoNumber, String message) {
        return new FdStoreException(errnoNumber, message, true, false, null);
    }

    /**
     * The daemon died (the connection ended without GOAWAY) while a request that changes the store was in flight:
     * it may or may not have been carried out. ECONNRESET.
     *
     * @param message a sentence naming the request and saying what to do, e.g. to check with list
     */
    public static FdStoreException outcomeUnknown(String message) {
        return new FdStoreException(Errno.ECONNRESET.number(), message, false, true, null);
    }

    /** The error, or {@link Errno#UNKNOWN} for a number the enum does not list (see {@link #errnoNumber()}). */
    public Errno errno() {
        return Errno.of(errnoNumber);
    }

    /** The error number exactly as received or observed. */
    public int errnoNumber() {
        return errnoNumber;
    }

    /**
     * Whether the request's outcome is unknown: the daemon died after it was sent and before it was answered, so
     * the change may or may not have happened. The caller can look (list, restore) and decide; the store survives
     * the daemon's death, so whatever was acknowledged before is still there.
     */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }

    /** Whether this came from an error reply of the daemon, rather than from this side or a broken connection. */
    public boolean refusedByDaemon() {
        return refusedByDaemon;
    }
}

package org.fdstore.fuse.wire;

/**
 * A request from /dev/fuse that does not parse: too short for its opcode, a name without its NUL, extensions past
 * the end. The kernel never sends one; seeing it means a protocol mismatch (EPROTO). The session answers EIO to the
 * request, if it can tell which, and keeps reading.
 *
 * <p>Internal: not API.
 */
public final class MalformedRequestException extends Exception {
    /** A message naming the opcode and what was wrong. */
    public MalformedRequestException(String message) {
        super(message);
    }
}

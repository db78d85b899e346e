package org.fdstore.protocol;

import java.util.Objects;
import org.fdstore.linux.Errno;

/**
 * A frame that breaks the protocol: malformed ({@code EPROTO}), oversize ({@code EMSGSIZE}) or of a version we do
 * not speak ({@code EPROTONOSUPPORT}). The peer can no longer be trusted, so the connection is to be closed, and any
 * fds that came with the frame with it.
 *
 * <p>Immutable and thread safe.
 */
public final class ProtocolException extends Exception {
    /** EPROTO, EMSGSIZE or EPROTONOSUPPORT. */
    private final Errno errno;
    /** 0 when the header could not be read. */
    private final long requestId;
    /** The frame's type with bit 7 set, or 0xFF when the header could not be read. */
    private final int replyType;

    /**
     * A failure found before the header could be read: request id 0, answered with type {@code 0xFF}.
     *
     * @throws IllegalArgumentException if {@code errno} is not EPROTO, EMSGSIZE or EPROTONOSUPPORT
     */
    public ProtocolException(Errno errno, String message) {
        this(errno, 0, Limits.ERROR_REPLY_TYPE, message);
    }

    /**
     * A failure in a frame whose header was read.
     *
     * @param replyType the type an error reply to this frame carries: the frame's type with bit 7 set
     * @throws IllegalArgumentException if {@code errno} is not EPROTO, EMSGSIZE or EPROTONOSUPPORT, or
     *     {@code replyType} is not a byte with bit 7 set
     */
    public ProtocolException(Errno errno, long requestId, int replyType, String message) {
        super(Objects.requireNonNull(message, "message"));
        if (errno != Errno.EPROTO && errno != Errno.EMSGSIZE && errno != Errno.EPROTONOSUPPORT) {
            throw new IllegalArgumentException("a protocol error is EPROTO, EMSGSIZE or EPROTONOSUPPORT, not " + errno);
        }
        if (replyType < MessageType.REPLY_BIT || replyType > 0xFF) {
            throw new IllegalArgumentException("reply type " + replyType + " is not a byte with bit 7 set");
        }
        this.errno = errno;
        this.requestId = requestId;
        this.replyType = replyType;
    }

    /** EPROTO, EMSGSIZE or EPROTONOSUPPORT. */
    public Errno errno() {
        return errno;
    }

    /** The frame's request id, or 0 when its header could not be read. */
    public long requestId() {
        return requestId;
    }

    /**
     * The type an error reply to this frame carries: the frame's type with bit 7 set, or
     * {@link Limits#ERROR_REPLY_TYPE} when the header could not be read. Meaningful for request frames.
     */
    public int replyType() {
        return replyType;
    }
}

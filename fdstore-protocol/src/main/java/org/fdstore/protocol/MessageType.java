package org.fdstore.protocol;

import java.util.Optional;

/**
 * The request types of protocol version 1, with their wire codes.
 *
 * <p>Immutable and thread safe.
 */
public enum MessageType {
    /** Version and feature negotiation; the first frame of a connection. */
    HELLO(1),
    /** Store one fd under an optional name. */
    SAVE(2),
    /** Get a duplicate of a stored fd; the entry stays. */
    RESTORE(3),
    /** Drop an entry and close its fd. */
    REMOVE(4),
    /** Get a stored fd and remove its entry, atomically. */
    TAKE(5),
    /** Describe every entry. */
    LIST(6),
    /** Describe every entry with what it pins and how long it lives. */
    INSPECT(7),
    /** Close every entry that matches a mount, a uid, a namespace or an id; answers how many. */
    DROP(8),
    /** Describe the daemon: which process serves, which stands by, counts, the last handover or failover. */
    STATUS(9),
    /** Store many fds in one request that may span frames; all or nothing. */
    SAVE_MANY(0x0A),
    /** Restore a whole namespace, or a list of entries, in one request; the reply spans frames. */
    RESTORE_MANY(0x0B),
    /** Ask for the read-only index that lets a ptrace-capable client restore without a round trip. */
    FASTPATH(0x0C),
    /** Read the daemon's metrics in the Prometheus text format; the reply may span frames. */
    METRICS(0x0D),
    /** Replace the metric lines this connection publishes with the daemon's own (a FUSE mount's, for one). */
    PUBLISH_METRICS(0x0E);

    /** Set in a reply's type: a reply's type is its request's type with bit 7 set. */
    static final int REPLY_BIT = 0x80;

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The request type byte. */
    public int code() {
        return code;
    }

    /** The reply type byte: {@link #code()} with bit 7 set. */
    public int replyCode() {
        return code | REPLY_BIT;
    }

    /** The type whose request code is {@code code}, or empty for a code this version does not define. */
    public static Optional<MessageType> ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    /** The types by request code: looked up for every frame, where values() would copy its array each time. */
    private static final MessageType[] BY_CODE = byCode();

    private static MessageType[] byCode() {
        MessageType[] table = new MessageType[REPLY_BIT];
        for (MessageType t : values()) table[t.code] = t;
        return table;
    }
}

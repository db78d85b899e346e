package org.fdstore.protocol;

import java.util.Objects;

/**
 * A reply frame read by {@link ReplyCodec#decode}: its header (type, request id, {@code CONTINUES}) and its reply.
 *
 * <p>Immutable and thread safe.
 *
 * @param header the frame's header
 * @param reply the reply its body holds
 */
public record DecodedReply(FrameHeader header, Reply reply) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if an argument is null
     */
    public DecodedReply {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(reply, "reply");
    }
}

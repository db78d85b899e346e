package org.fdstore.protocol;

import java.util.Objects;

/**
 * A request frame read by {@link RequestCodec#decode}: its header (version, request id, fd count) and its request.
 *
 * <p>Immutable and thread safe.
 *
 * @param header the frame's header
 * @param request the request its body holds
 */
public record DecodedRequest(FrameHeader header, Request request) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if an argument is null
     */
    public DecodedRequest {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(request, "request");
    }
}

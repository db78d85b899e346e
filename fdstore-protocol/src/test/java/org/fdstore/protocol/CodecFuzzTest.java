package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Coverage-guided fuzzing of the frame decoders with Jazzer (issue 15). The first input byte picks the decoder
 * (even: requests, odd: replies); the rest is one frame, received with the fd count its header names (0 when that is
 * out of range, so that the count check is fuzzed too). Invariants:
 * <ul>
 *   <li>decoding throws nothing but {@link ProtocolException}, whatever the bytes;</li>
 *   <li>what decodes encodes again (the encoder refuses exactly what the decoder calls malformed), and that frame
 *       decodes to the same request or reply, request id and CONTINUES flag.</li>
 * </ul>
 * Under {@code mvn test} this replays the corpus in {@code src/test/resources/org/fdstore/protocol/CodecFuzzTestInputs}
 * (one frame of each request and reply type, and every finding ever made); under bin/test a second run fuzzes for
 * {@link FuzzTest#maxDuration()} with {@code JAZZER_FUZZ=1} (fdstore-protocol's pom). A finding is written into that
 * directory, where it stays as a regression test once fixed.
 */
class CodecFuzzTest {
    private final ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);

    @FuzzTest(maxDuration = "25s")
    void decode_anyBytes_throwsOnlyProtocolExceptionAndRoundTrips(byte[] input) throws ProtocolException {
        if (input.length == 0) return;
        ByteBuffer frame = ByteBuffer.wrap(input, 1, input.length - 1).slice();
        int fds = announcedFds(frame);
        if ((input[0] & 1) == 0) roundTripRequest(frame, fds);
        else roundTripReply(frame, fds);
    }

    private void roundTripRequest(ByteBuffer frame, int fds) throws ProtocolException {
        DecodedRequest decoded;
        try {
            decoded = RequestCodec.decode(frame, fds);
        } catch (ProtocolException malformed) {
            return;
        }
        FrameHeader header = decoded.header();
        int length = RequestCodec.encode(header.requestId(), decoded.request(), header.continues(), out.clear());
        DecodedRequest again = RequestCodec.decode(out.flip().limit(length), decoded.request().fdCount());
        assertThat(again.request()).isEqualTo(decoded.request());
        assertThat(again.header().requestId()).isEqualTo(header.requestId());
        assertThat(again.header().continues()).isEqualTo(header.continues());
    }

    private void roundTripReply(ByteBuffer frame, int fds) throws ProtocolException {
        DecodedReply decoded;
        try {
            decoded = ReplyCodec.decode(frame, fds);
        } catch (ProtocolException malformed) {
            return;
        }
        FrameHeader header = decoded.header();
        Reply reply = decoded.reply();
        int length = ReplyCodec.encode(header.type(), header.requestId(), header.continues(), reply, reply.fdCount(),
                out.clear());
        DecodedReply again = ReplyCodec.decode(out.flip().limit(length), reply.fdCount());
        assertThat(again.reply()).isEqualTo(reply);
        assertThat(again.header().requestId()).isEqualTo(header.requestId());
        assertThat(again.header().continues()).isEqualTo(header.continues());
    }

    /** The header's fd count field if the frame has one and it is a count a message can carry, else 0. */
    private static int announcedFds(ByteBuffer frame) {
        if (frame.remaining() < Limits.HEADER_SIZE) return 0;
        int count = frame.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(20);
        return count >= 0 && count <= Limits.MAX_FDS_PER_FRAME ? count : 0;
    }
}

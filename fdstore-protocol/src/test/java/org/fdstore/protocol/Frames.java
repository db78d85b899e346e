package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/** Builds, patches and decodes frames for the tests. */
final class Frames {
    private Frames() {}

    /** Bytes from hex pairs; whitespace, and comments from {@code //} to the end of a line, are ignored. */
    static byte[] hex(String pairs) {
        return HexFormat.of().parseHex(pairs.replaceAll("(?m)//.*$", "").replaceAll("\\s+", ""));
    }

    static byte[] encode(long requestId, Request request) {
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
        int length = RequestCodec.encode(requestId, request, out);
        if (length != out.position()) fail("encode returned " + length + " but advanced " + out.position());
        return Arrays.copyOf(out.array(), length);
    }

    static byte[] encode(int replyType, long requestId, boolean continues, Reply reply) {
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
        int length = ReplyCodec.encode(replyType, requestId, continues, reply, reply.fdCount(), out);
        if (length != out.position()) fail("encode returned " + length + " but advanced " + out.position());
        return Arrays.copyOf(out.array(), length);
    }

    /** The frame's fd count field. */
    static int fdCount(byte[] frame) {
        return ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
    }

    static DecodedRequest decodeRequest(byte[] frame) throws ProtocolException {
        return RequestCodec.decode(ByteBuffer.wrap(frame), fdCount(frame));
    }

    static DecodedReply decodeReply(byte[] frame) throws ProtocolException {
        return ReplyCodec.decode(ByteBuffer.wrap(frame), fdCount(frame));
    }

    /** A copy of {@code frame} with the u8 at {@code offset} replaced. */
    static byte[] withByte(byte[] frame, int offset, int value) {
        byte[] copy = frame.clone();
        copy[offset] = (byte) value;
        return copy;
    }

    /** A copy of {@code frame} with the little-endian u32 at {@code offset} replaced. */
    static byte[] withInt(byte[] frame, int offset, int value) {
        byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    /** The first {@code length} bytes of {@code frame}, header untouched. */
    static byte[] truncated(byte[] frame, int length) {
        return Arrays.copyOf(frame, length);
    }

    /** The first {@code length} bytes of {@code frame}, its body length patched to agree, so the body is read. */
    static byte[] truncatedConsistently(byte[] frame, int length) {
        return withInt(Arrays.copyOf(frame, length), 16, length - Limits.HEADER_SIZE);
    }

    /** {@code frame} with {@code extra} bytes appended and its body length patched to agree. */
    static byte[] withTrailingBytes(byte[] frame, int extra) {
        byte[] longer = Arrays.copyOf(frame, frame.length + extra);
        return withInt(longer, 16, longer.length - Limits.HEADER_SIZE);
    }

    @FunctionalInterface
    interface Decode {
        void run() throws ProtocolException;
    }

    /** The ProtocolException {@code decode} throws; fails the test if it throws none. */
    static ProtocolException failure(Decode decode) {
        try {
            decode.run();
        } catch (ProtocolException e) {
            return e;
        }
        return fail("expected a ProtocolException");
    }
}

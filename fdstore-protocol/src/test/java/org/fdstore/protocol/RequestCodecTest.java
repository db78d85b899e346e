package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.fdstore.linux.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RequestCodecTest {

    static Stream<Request> requests() {
        byte[] random = new byte[Limits.MAX_METADATA];
        new Random(1).nextBytes(random);
        return Stream.of(
                new Request.Hello(1, 1, 0, "fdstore-cli"),
                new Request.Hello(0, 0xFFFF, -1L, ""),
                new Request.Hello(1, 3, 5, "クライアント🗄"),
                new Request.Save("db", "hello".getBytes(StandardCharsets.UTF_8)),
                new Request.Save("", new byte[0]),
                new Request.Save("données/база/数据库/🗄", new byte[] {0, -1, 127, -128}),
                new Request.Save("n".repeat(255), random),
                new Request.Save("uid.1000/db", new byte[0], "", new Lifetime(60_000, false, 0, false)),
                new Request.Save("", new byte[] {1}, "fuse.7", new Lifetime(0, true, 10_000, true)),
                new Request.Save("x", new byte[0], "n".repeat(300), new Lifetime(-1L, true, -1, false)),
                new Request.Restore(new Selector.ById(1)),
                new Request.Restore(new Selector.ByName("db")),
                new Request.Remove(new Selector.ById(-1L)),
                new Request.Remove(new Selector.ByName("名前")),
                new Request.Take(new Selector.ById(42)),
                new Request.Status(),
                new Request.Take(new Selector.ByName("")),
                new Request.ListEntries(),
                new Request.Inspect(),
                new Request.Drop(new DropTarget.Mount("/mnt/data")),
                new Request.Drop(new DropTarget.Mount("/".repeat(Limits.MAX_PATH_BYTES))),
                new Request.Drop(new DropTarget.Uid(1000)),
                new Request.Drop(new DropTarget.Uid(-1)),
                new Request.Drop(new DropTarget.Namespace("uid.1000")),
                new Request.Drop(new DropTarget.Namespace("")),
                new Request.Drop(new DropTarget.Id(-1L)));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void encodeThenDecode_everyRequest_roundTrips(Request request) throws ProtocolException {
        byte[] frame = Frames.encode(77, request);

        DecodedRequest decoded = RequestCodec.decode(ByteBuffer.wrap(frame), request.fdCount());

        assertThat(decoded.request()).isEqualTo(request);
        assertThat(decoded.header()).isEqualTo(new FrameHeader(
                Limits.VERSION, request.code(), 0, 77, frame.length - Limits.HEADER_SIZE, request.fdCount()));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void decode_everyTruncation_failsWithEproto(Request request) {
        byte[] frame = Frames.encode(77, request);
        int[] lengths = frame.length > 2000
                ? new int[] {0, 23, 24, 25, 26, 27, 28, 29, 30, 300, frame.length - 1}
                : java.util.stream.IntStream.range(0, frame.length).toArray();
        for (int length : lengths) {
            byte[] raw = Frames.truncated(frame, length);
            ProtocolException e = Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(raw), request.fdCount()));
            assertThat(e.errno()).as("cut at %d", length).isEqualTo(Errno.EPROTO);

            if (length < Limits.HEADER_SIZE) continue;
            // The header agrees with the shorter body, so the body decoder itself must notice.
            byte[] patched = Frames.truncatedConsistently(frame, length);
            ProtocolException body = Frames.failure(
                    () -> RequestCodec.decode(ByteBuffer.wrap(patched), request.fdCount()));
            assertThat(body.errno()).as("cut at %d, body length patched", length).isEqualTo(Errno.EPROTO);
            assertThat(body.requestId()).isEqualTo(77);
            assertThat(body.replyType()).isEqualTo(request.type().replyCode());
        }
    }

    @ParameterizedTest
    @MethodSource("requests")
    void decode_trailingBytes_failsWithEproto(Request request) {
        byte[] frame = Frames.withTrailingBytes(Frames.encode(77, request), 1);

        ProtocolException e = Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(frame), request.fdCount()));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessageContaining("1 trailing bytes");
    }

    @Test
    void decode_framePlacedMidBuffer_readsOnlyThatFrame() throws ProtocolException {
        byte[] frame = Frames.encode(3, new Request.Save("db", new byte[] {1, 2}));
        ByteBuffer buffer = ByteBuffer.allocateDirect(frame.length + 20);
        buffer.position(7).put(frame).put(new byte[13]).position(7).limit(7 + frame.length);

        DecodedRequest decoded = RequestCodec.decode(buffer, 1);

        assertThat(decoded.request()).isEqualTo(new Request.Save("db", new byte[] {1, 2}));
        assertThat(buffer.position()).isEqualTo(7);
        assertThat(buffer.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
    }

    @Test
    void encode_anyRequest_advancesPositionAndKeepsOrder() {
        ByteBuffer out = ByteBuffer.allocate(100).order(ByteOrder.BIG_ENDIAN).position(5);

        int length = RequestCodec.encode(1, new Request.ListEntries(), out);

        assertThat(length).isEqualTo(24);
        assertThat(out.position()).isEqualTo(29);
        assertThat(out.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(Arrays.copyOfRange(out.array(), 5, 9)).containsExactly('F', 'D', 'S', 'T');
    }

    @Test
    void encode_bufferTooSmall_throwsAndLeavesPosition() {
        ByteBuffer out = ByteBuffer.allocate(30);

        assertThatThrownBy(() -> RequestCodec.encode(1, new Request.Save("db", new byte[10]), out))
                .isInstanceOf(BufferOverflowException.class);
        assertThat(out.position()).isZero();
    }

    @Test
    void encode_save_announcesOneFd() {
        assertThat(Frames.fdCount(Frames.encode(1, new Request.Save("", new byte[0])))).isEqualTo(1);
        assertThat(Frames.fdCount(Frames.encode(1, new Request.Take(new Selector.ById(1))))).isZero();
    }

    @Test
    void decode_saveWithoutFd_isWellFormed() throws ProtocolException {
        // SAVE without an fd is refused by the daemon with EBADF; the frame itself is fine.
        byte[] frame = Frames.withInt(Frames.encode(1, new Request.Save("db", new byte[0])), 20, 0);

        DecodedRequest decoded = RequestCodec.decode(ByteBuffer.wrap(frame), 0);

        assertThat(decoded.header().fdCount()).isZero();
        assertThat(decoded.request().fdCount()).isEqualTo(1);
    }

    @Test
    void decode_listWithFds_isWellFormed() throws ProtocolException {
        byte[] frame = Frames.withInt(Frames.encode(1, new Request.ListEntries()), 20, 3);

        assertThat(RequestCodec.decode(ByteBuffer.wrap(frame), 3).header().fdCount()).isEqualTo(3);
    }

    @Test
    void decode_invalidButWellFormedNames_decodeForTheDaemonToRefuse() throws ProtocolException {
        for (String name : List.of("123", "a\nb", "\u0000", "x".repeat(300))) {
            byte[] frame = Frames.encode(1, new Request.Save(name, new byte[0]));

            assertThat(Frames.decodeRequest(frame).request()).isEqualTo(new Request.Save(name, new byte[0]));
        }
    }

    @Test
    void decode_metadataOverLimit_failsWithEproto() {
        byte[] frame = saveFrame("db", 70000);

        ProtocolException e = Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(frame), 1));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessage("SAVE frame: metadata length 70000 exceeds 65536");
        assertThat(e.requestId()).isEqualTo(9);
        assertThat(e.replyType()).isEqualTo(0x82);
    }

    @Test
    void decode_metadataLengthNearU32Max_failsWithEproto() {
        byte[] frame = Frames.withInt(saveFrame("db", 0), 24 + 4, -1);

        assertThat(Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(frame), 1)))
                .hasMessage("SAVE frame: metadata length 4294967295 exceeds 65536");
    }

    @Test
    void encode_metadataOverLimit_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(1, new Request.Save("db", new byte[Limits.MAX_METADATA + 1])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65537");
    }

    @Test
    void encode_frameOverLimit_throwsIllegalArgument() {
        // A 65535-byte name and full metadata are each within their wire types, but not together in one frame.
        Request save = new Request.Save("n".repeat(0xFFFF), new byte[Limits.MAX_METADATA]);
        ByteBuffer out = ByteBuffer.allocate(2 * Limits.MAX_FRAME);

        assertThatThrownBy(() -> RequestCodec.encode(1, save, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("131119 bytes");
        assertThat(out.position()).isZero();
    }

    @Test
    void encode_stringWithUnpairedSurrogate_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(1, new Request.Save("a\uD800", new byte[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Frames.encode(1, new Request.Restore(new Selector.ByName("\uDC00"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encode_helloClientOver255Bytes_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(1, new Request.Hello(1, 1, 0, "c".repeat(256))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encode_helloVersionNotU16_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(1, new Request.Hello(1, 0x10000, 0, "")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.encode(1, new Request.Hello(-1, 1, 0, "")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decode_helloClientOver255Bytes_failsWithEproto() {
        byte[] frame = Frames.encode(4, new Request.Hello(1, 1, 0, "c".repeat(255)));
        byte[] longer = Frames.withTrailingBytes(frame, 1);
        longer[24 + 12] = 0;  // client name length: 256, little-endian
        longer[24 + 13] = 1;
        longer[longer.length - 1] = 'c';

        ProtocolException e = Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(longer), 0));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessage("HELLO frame: client name length 256 exceeds 255");
    }

    @Test
    void decode_malformedUtf8_failsWithEproto() {
        byte[] valid = Frames.encode(5, new Request.Save("dbé", new byte[0]));
        // "dbé" is 64 62 c3 a9 at body offset 2; each patch below breaks it.
        List<byte[]> broken = List.of(
                Frames.withByte(valid, 24 + 3, 0xc3),  // a lead byte followed by another lead byte
                Frames.withByte(valid, 24 + 5, 0x41),  // the continuation replaced by ASCII
                Frames.withByte(valid, 24 + 2, 0xff),  // never valid in UTF-8
                Frames.withByte(valid, 24 + 4, 0xc0),  // an overlong encoding
                Frames.withByte(valid, 24 + 3, 0x80)); // a lone continuation
        for (byte[] frame : broken) {
            ProtocolException e = Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(frame), 1));

            assertThat(e.errno()).isEqualTo(Errno.EPROTO);
            assertThat(e).hasMessage("SAVE frame: name is not valid UTF-8");
        }
    }

    @Test
    void decode_encodedSurrogateInUtf8_failsWithEproto() {
        // ED A0 80 is U+D800 encoded as if it were a scalar value (CESU-8); UTF-8 forbids it.
        byte[] frame = Frames.hex("""
                46 44 53 54 01 03 00 00  01 00 00 00 00 00 00 00  06 00 00 00  00 00 00 00
                02 03 00 ed a0 80
                """);

        assertThat(Frames.failure(() -> Frames.decodeRequest(frame)).errno()).isEqualTo(Errno.EPROTO);
    }

    @Test
    void decode_badSelectorTag_failsWithEproto() {
        for (int tag : new int[] {0, 3, 0xFF}) {
            byte[] frame = Frames.withByte(Frames.encode(6, new Request.Remove(new Selector.ById(1))), 24, tag);

            ProtocolException e = Frames.failure(() -> Frames.decodeRequest(frame));

            assertThat(e.errno()).isEqualTo(Errno.EPROTO);
            assertThat(e).hasMessage("REMOVE frame: selector tag " + tag + " is neither 1 (by id) nor 2 (by name)");
            assertThat(e.requestId()).isEqualTo(6);
        }
    }

    @Test
    void decode_requestWithContinues_failsWithEproto() {
        byte[] frame = Frames.withByte(Frames.encode(6, new Request.ListEntries()), 6, Limits.FLAG_CONTINUES);

        ProtocolException e = Frames.failure(() -> Frames.decodeRequest(frame));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessageContaining("CONTINUES");
    }

    @Test
    void decode_oversizeFrame_failsWithEmsgsize() {
        byte[] frame = Frames.withTrailingBytes(Frames.encode(8, new Request.ListEntries()), Limits.MAX_FRAME);

        ProtocolException e = Frames.failure(() -> Frames.decodeRequest(frame));

        assertThat(e.errno()).isEqualTo(Errno.EMSGSIZE);
        assertThat(e.requestId()).isEqualTo(8);
    }

    @Test
    void decode_undefinedType_givesUnknownAndSkipsBody() throws ProtocolException {
        for (int type : new int[] {0, 0x20, 0x42, 0x81, 0xFE, 0xFF}) {
            byte[] frame = Frames.withTrailingBytes(Frames.withByte(Frames.encode(9, new Request.ListEntries()), 5,
                    type), 17);

            DecodedRequest decoded = Frames.decodeRequest(frame);

            assertThat(decoded.request()).isEqualTo(new Request.Unknown(type));
            assertThat(decoded.request().code()).isEqualTo(type);
            assertThat(decoded.header().requestId()).isEqualTo(9);
        }
    }

    @Test
    void decode_undefinedTypeWithMalformedHeader_stillFails() {
        byte[] frame = Frames.withByte(Frames.withByte(Frames.encode(9, new Request.ListEntries()), 5, 0x42), 7, 1);

        assertThat(Frames.failure(() -> Frames.decodeRequest(frame)).errno()).isEqualTo(Errno.EPROTO);
    }

    @Test
    void encodeThenDecode_unknown_roundTrips() throws ProtocolException {
        byte[] frame = Frames.encode(10, new Request.Unknown(0x42));

        assertThat(frame).hasSize(24);
        assertThat(Frames.decodeRequest(frame).request()).isEqualTo(new Request.Unknown(0x42));
    }

    @Test
    void encode_unknownWithDefinedCode_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(1, new Request.Unknown(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void type_unknown_throwsUnsupported() {
        assertThatThrownBy(() -> new Request.Unknown(0x42).type())
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("0x42");
    }

    @Test
    void typeAndFdCount_eachRequest_matchTheSpecTable() {
        assertThat(new Request.Hello(1, 1, 0, "").type()).isEqualTo(MessageType.HELLO);
        assertThat(new Request.Save("", new byte[0]).type()).isEqualTo(MessageType.SAVE);
        assertThat(new Request.Save("", new byte[0]).fdCount()).isEqualTo(1);
        assertThat(new Request.Restore(new Selector.ById(1)).type()).isEqualTo(MessageType.RESTORE);
        assertThat(new Request.Remove(new Selector.ById(1)).type()).isEqualTo(MessageType.REMOVE);
        assertThat(new Request.Take(new Selector.ById(1)).type()).isEqualTo(MessageType.TAKE);
        assertThat(new Request.Take(new Selector.ById(1)).fdCount()).isZero();
        assertThat(new Request.ListEntries().type()).isEqualTo(MessageType.LIST);
        assertThat(new Request.ListEntries().code()).isEqualTo(6);
        assertThat(new Request.Inspect().type()).isEqualTo(MessageType.INSPECT);
        assertThat(new Request.Drop(new DropTarget.Id(1)).type()).isEqualTo(MessageType.DROP);
        assertThat(new Request.Drop(new DropTarget.Id(1)).fdCount()).isZero();
        assertThat(new Request.Unknown(0x42).fdCount()).isZero();
    }

    @Test
    void decode_reservedLifetimeFlags_failsWithEproto() {
        byte[] valid = Frames.encode(4, new Request.Save("db", new byte[0]));
        byte[] frame = Frames.withInt(valid, valid.length - 4, 4);

        ProtocolException e = Frames.failure(() -> Frames.decodeRequest(frame));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessage("SAVE frame: SAVE lifetime flags set reserved bits 0x4");
        assertThat(e.requestId()).isEqualTo(4);
    }

    @Test
    void decode_badDropTag_failsWithEproto() {
        for (int tag : new int[] {0, 5, 0xFF}) {
            byte[] frame = Frames.withByte(Frames.encode(6, new Request.Drop(new DropTarget.Id(1))), 24, tag);

            ProtocolException e = Frames.failure(() -> Frames.decodeRequest(frame));

            assertThat(e.errno()).isEqualTo(Errno.EPROTO);
            assertThat(e).hasMessage("DROP frame: drop target tag " + tag
                    + " is none of 1 (mount), 2 (uid), 3 (namespace), 4 (id)");
        }
    }

    @Test
    void decode_dropMountPathOverLimit_failsWithEproto() {
        byte[] frame = Frames.withTrailingBytes(
                Frames.encode(6, new Request.Drop(new DropTarget.Mount("/".repeat(Limits.MAX_PATH_BYTES)))), 1);
        frame[24 + 1] = 0x01;   // path length 4097, little-endian
        frame[24 + 2] = 0x10;

        assertThat(Frames.failure(() -> Frames.decodeRequest(frame)))
                .hasMessage("DROP frame: drop mount path length 4097 exceeds 4096");
    }

    @Test
    void encode_dropMountPathOverLimit_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(1, new Request.Drop(new DropTarget.Mount("/".repeat(4097)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void save_twoArgumentConstructor_isDefaultNamespaceAndLifetime() {
        Request.Save save = new Request.Save("db", new byte[0]);

        assertThat(save.namespace()).isEmpty();
        assertThat(save.lifetime()).isEqualTo(Lifetime.DEFAULT);
        assertThat(save).isNotEqualTo(new Request.Save("db", new byte[0], "", new Lifetime(1, false, 0, false)));
    }

    @Test
    void save_metadata_isCopiedAndComparedByContent() {
        byte[] metadata = {1, 2, 3};
        Request.Save save = new Request.Save("db", metadata);
        metadata[0] = 9;
        save.metadata()[1] = 9;

        assertThat(save.metadata()).containsExactly(1, 2, 3);
        assertThat(save).isEqualTo(new Request.Save("db", new byte[] {1, 2, 3}));
        assertThat(save).hasSameHashCodeAs(new Request.Save("db", new byte[] {1, 2, 3}));
        assertThat(save).isNotEqualTo(new Request.Save("db", new byte[] {1, 2, 4}));
        assertThat(save.toString()).contains("3 bytes 010203");
    }

    /** A SAVE frame, request id 9, whose metadata length field says {@code metadataLength}, with that many bytes. */
    private static byte[] saveFrame(String name, int metadataLength) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        int body = 2 + nameBytes.length + 4 + metadataLength + 2 + 16;
        ByteBuffer b = ByteBuffer.allocate(24 + body).order(ByteOrder.LITTLE_ENDIAN);
        new FrameHeader(1, 2, 0, 9, body, 1).write(b);
        b.putShort((short) nameBytes.length).put(nameBytes).putInt(metadataLength);
        b.position(b.position() + metadataLength).putShort((short) 0).putLong(0).putInt(0).putInt(0);
        return b.array();
    }
}

package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.fdstore.linux.Errno;
import org.fdstore.linux.FileKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplyCodecTest {

    static Stream<Arguments> replies() {
        return Stream.of(
                Arguments.of(0x81, false, new Reply.Welcome(1, 0, 4242, Limits.MAX_FRAME, Limits.MAX_NAME_BYTES,
                        Limits.MAX_METADATA, Limits.MAX_FDS_PER_FRAME)),
                Arguments.of(0x81, false, new Reply.Welcome(0xFFFF, -1L, -1, -1, 0xFFFF, -1, 0xFFFF,
                        "n".repeat(Limits.MAX_NAMESPACE_BYTES))),
                Arguments.of(0x81, false, new Reply.Welcome(1, 0, 1, 2, 3, 4, 5, "uid.1000")),
                Arguments.of(0x87, false, new Reply.Inspected(List.of())),
                Arguments.of(0x87, true, new Reply.Inspected(List.of(Entries.dbInspected(),
                        Entries.socketInspected(2), Entries.socketInspected(3)))),
                Arguments.of(0x87, false, new Reply.Inspected(List.of(Entries.extremeInspected(-1L)))),
                Arguments.of(0x88, false, new Reply.Dropped(0)),
                Arguments.of(0x89, false, new Reply.Reported(DaemonStatusTest.minimal().add("notify_socket",
                        "/run/fdstore/notify.sock").add("x", "").build())),
                Arguments.of(0x88, false, new Reply.Dropped(-1)),
                Arguments.of(0x82, false, new Reply.Saved(1)),
                Arguments.of(0x82, false, new Reply.Saved(-1L)),
                Arguments.of(0x83, false, new Reply.Restored(Entries.db())),
                Arguments.of(0x85, false, new Reply.Restored(Entries.extreme(-1L))),
                Arguments.of(0x84, false, new Reply.Removed(7)),
                Arguments.of(0x86, false, new Reply.Listed(List.of())),
                Arguments.of(0x86, false, new Reply.Listed(List.of(Entries.db()))),
                Arguments.of(0x86, true, new Reply.Listed(List.of(Entries.db(), Entries.numbered(2, 0),
                        Entries.numbered(3, 100), Entries.numbered(9, 7)))),
                Arguments.of(0x83, false, Reply.Failure.of(Errno.ENOENT, "no entry with id 7")),
                Arguments.of(0x82, false, new Reply.Failure(Errno.EEXIST.number(), "name \"db\" is taken, 名前")),
                Arguments.of(0x86, false, new Reply.Failure(4095, "")),
                Arguments.of(0xFF, false, Reply.Failure.of(Errno.EPROTO, "frame of 3 bytes is too short")));
    }

    @ParameterizedTest
    @MethodSource("replies")
    void encodeThenDecode_everyReply_roundTrips(int type, boolean continues, Reply reply) throws ProtocolException {
        byte[] frame = Frames.encode(type, 55, continues, reply);

        DecodedReply decoded = ReplyCodec.decode(ByteBuffer.wrap(frame), reply.fdCount());

        assertThat(decoded.reply()).isEqualTo(reply);
        assertThat(decoded.header()).isEqualTo(new FrameHeader(Limits.VERSION, type,
                continues ? Limits.FLAG_CONTINUES : 0, 55, frame.length - Limits.HEADER_SIZE, reply.fdCount()));
        assertThat(decoded.header().continues()).isEqualTo(continues);
    }

    @ParameterizedTest
    @MethodSource("replies")
    void decode_everyTruncation_failsWithEproto(int type, boolean continues, Reply reply) {
        byte[] frame = Frames.encode(type, 55, continues, reply);
        int[] lengths = frame.length > 2000
                ? new int[] {0, 23, 24, 27, 28, 29, 30, 31, 40, 500, frame.length - 1}
                : IntStream.range(0, frame.length).toArray();
        for (int length : lengths) {
            byte[] raw = Frames.truncated(frame, length);
            assertThat(Frames.failure(() -> ReplyCodec.decode(ByteBuffer.wrap(raw), reply.fdCount())).errno())
                    .as("cut at %d", length).isEqualTo(Errno.EPROTO);

            if (length < Limits.HEADER_SIZE) continue;
            byte[] patched = Frames.truncatedConsistently(frame, length);
            assertThat(Frames.failure(() -> ReplyCodec.decode(ByteBuffer.wrap(patched), reply.fdCount())).errno())
                    .as("cut at %d, body length patched", length).isEqualTo(Errno.EPROTO);
        }
    }

    @ParameterizedTest
    @MethodSource("replies")
    void decode_trailingBytes_failsWithEproto(int type, boolean continues, Reply reply) {
        byte[] frame = Frames.withTrailingBytes(Frames.encode(type, 55, continues, reply), 3);

        ProtocolException e = Frames.failure(() -> ReplyCodec.decode(ByteBuffer.wrap(frame), reply.fdCount()));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessageContaining("3 trailing bytes");
    }

    @Test
    void decode_listed_keepsEntryOrder() throws ProtocolException {
        List<EntryInfo> entries = IntStream.rangeClosed(1, 50).mapToObj(i -> Entries.numbered(i, i)).toList();

        Reply reply = Frames.decodeReply(Frames.encode(0x86, 1, false, new Reply.Listed(entries))).reply();

        assertThat(((Reply.Listed) reply).entries()).containsExactlyElementsOf(entries);
    }

    @Test
    void decode_typeWithoutReplyBit_failsWithEproto() {
        byte[] frame = Frames.withByte(Frames.encode(0x82, 1, false, new Reply.Saved(1)), 5, 0x02);

        ProtocolException e = Frames.failure(() -> Frames.decodeReply(frame));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessageContaining("bit 7");
    }

    @Test
    void decode_undefinedReplyType_failsWithEproto() {
        byte[] frame = Frames.withByte(Frames.encode(0x82, 1, false, new Reply.Saved(1)), 5, 0xEF);

        assertThat(Frames.failure(() -> Frames.decodeReply(frame))).hasMessageContaining("defines no such reply");
    }

    @Test
    void decode_undefinedReplyTypeWithErrno_givesFailure() throws ProtocolException {
        // The daemon answers an undefined request type with ENOSYS, under that type with bit 7 set.
        byte[] frame = Frames.encode(0xC2, 3, false, Reply.Failure.of(Errno.ENOSYS, "type 0x42 is not defined"));

        assertThat(Frames.decodeReply(frame).reply())
                .isEqualTo(Reply.Failure.of(Errno.ENOSYS, "type 0x42 is not defined"));
    }

    @Test
    void decode_negativeErrno_failsWithEproto() {
        byte[] frame = Frames.withInt(Frames.encode(0x82, 1, false, Reply.Failure.of(Errno.EEXIST, "")), 24, -17);

        assertThat(Frames.failure(() -> Frames.decodeReply(frame))).hasMessageContaining("errno -17 is negative");
    }

    @Test
    void decode_errorReplyWithErrnoZero_failsWithEproto() {
        byte[] frame = Frames.withInt(Frames.encode(0xFF, 0, false, Reply.Failure.of(Errno.EPROTO, "")), 24, 0);

        assertThat(Frames.failure(() -> Frames.decodeReply(frame)).errno()).isEqualTo(Errno.EPROTO);
    }

    @Test
    void decode_successWithMessage_failsWithEproto() {
        byte[] failure = Frames.encode(0x84, 1, false, new Reply.Failure(2, "x"));
        // errno 2 → 0 leaves message "x" and no payload: a success that says something and lacks its id.
        byte[] frame = Frames.withInt(Frames.withTrailingBytes(failure, 8), 24, 0);

        assertThat(Frames.failure(() -> Frames.decodeReply(frame))).hasMessageContaining("carries the message \"x\"");
    }

    @Test
    void decode_failureWithFd_failsWithEproto() {
        byte[] frame = Frames.withInt(Frames.encode(0x83, 1, false, Reply.Failure.of(Errno.ENOENT, "")), 20, 1);

        ProtocolException e = Frames.failure(() -> ReplyCodec.decode(ByteBuffer.wrap(frame), 1));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessageContaining("carries 1 fds");
    }

    @Test
    void decode_restoredWithoutFd_failsWithEproto() {
        byte[] frame = Frames.withInt(Frames.encode(0x85, 1, false, new Reply.Restored(Entries.db())), 20, 0);

        assertThat(Frames.failure(() -> ReplyCodec.decode(ByteBuffer.wrap(frame), 0)).errno())
                .isEqualTo(Errno.EPROTO);
    }

    @Test
    void decode_continuesOnSaved_failsWithEproto() {
        byte[] frame = Frames.withByte(Frames.encode(0x82, 1, false, new Reply.Saved(1)), 6, Limits.FLAG_CONTINUES);

        assertThat(Frames.failure(() -> Frames.decodeReply(frame))).hasMessageContaining("CONTINUES");
    }

    @Test
    void decode_listCountBeyondBody_failsWithEprotoBeforeAllocating() {
        byte[] frame = Frames.withInt(Frames.encode(0x86, 1, false, new Reply.Listed(List.of())), 30, -1);

        ProtocolException e = Frames.failure(() -> Frames.decodeReply(frame));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessageContaining("4294967295 entries cannot fit");
    }

    @Test
    void decode_entryTargetOverLimit_failsWithEproto() {
        EntryInfo entry = new EntryInfo(1, "", FileKind.PIPE, 0, 1, 0, 0, 0, "t".repeat(4096), new byte[0]);
        byte[] frame = Frames.encode(0x83, 1, false, new Reply.Restored(entry));
        // The target's u16 length sits after errno, message, id, name, namespace, kind, four u32s and the u64 time.
        int lengthOffset = 24 + 4 + 2 + 8 + 2 + 2 + 1 + 16 + 8;
        byte[] longer = Frames.withTrailingBytes(frame, 1);
        System.arraycopy(frame, lengthOffset + 2, longer, lengthOffset + 3, frame.length - lengthOffset - 2);
        longer[lengthOffset] = 0x01;  // 4097
        longer[lengthOffset + 1] = 0x10;
        longer[lengthOffset + 2] = 't';

        assertThat(Frames.failure(() -> ReplyCodec.decode(ByteBuffer.wrap(longer), 1)))
                .hasMessage("RESTORE reply frame: entry target length 4097 exceeds 4096");
    }

    @Test
    void decode_unknownKindCode_givesUnknownKind() throws ProtocolException {
        byte[] frame = Frames.encode(0x83, 1, false, new Reply.Restored(Entries.db()));
        int kindOffset = 24 + 4 + 2 + 8 + 2 + 2 + 2 + 8;

        Reply reply = ReplyCodec.decode(ByteBuffer.wrap(Frames.withByte(frame, kindOffset, 200)), 1).reply();

        assertThat(((Reply.Restored) reply).entry().kind()).isEqualTo(FileKind.UNKNOWN);
    }

    @Test
    void decode_entryNameNotUtf8_failsWithEproto() {
        byte[] frame = Frames.encode(0x86, 1, false, new Reply.Listed(List.of(Entries.db())));
        int nameOffset = 24 + 4 + 2 + 4 + 8 + 2;

        assertThat(Frames.failure(() -> Frames.decodeReply(Frames.withByte(frame, nameOffset, 0xfe))))
                .hasMessage("LIST reply frame: entry name is not valid UTF-8");
    }

    @Test
    void encode_replyTypeNotMatchingReply_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(0x83, 1, false, new Reply.Saved(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.encode(0x84, 1, false, new Reply.Restored(Entries.db())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.encode(0x02, 1, false, Reply.Failure.of(Errno.EINVAL, "")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encode_fdCountNotMatchingReply_throwsIllegalArgument() {
        ByteBuffer out = ByteBuffer.allocate(1000);

        assertThatThrownBy(() -> ReplyCodec.encode(0x83, 1, false, new Reply.Restored(Entries.db()), 0, out))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplyCodec.encode(0x82, 1, false, new Reply.Saved(1), 1, out))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.position()).isZero();
    }

    @Test
    void encode_continuesOnNonList_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(0x82, 1, true, new Reply.Saved(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encode_entryOutsideLimits_throwsIllegalArgument() {
        EntryInfo longName = new EntryInfo(1, "n".repeat(256), FileKind.PIPE, 0, 1, 0, 0, 0, "", new byte[0]);
        EntryInfo longTarget = new EntryInfo(1, "", FileKind.PIPE, 0, 1, 0, 0, 0, "t".repeat(4097), new byte[0]);
        EntryInfo bigMetadata = new EntryInfo(1, "", FileKind.PIPE, 0, 1, 0, 0, 0, "", new byte[65537]);

        for (EntryInfo e : List.of(longName, longTarget, bigMetadata)) {
            assertThatThrownBy(() -> Frames.encode(0x83, 1, false, new Reply.Restored(e)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void encode_listOverFrameLimit_throwsIllegalArgument() {
        List<EntryInfo> two = List.of(Entries.extreme(1), Entries.extreme(2));

        assertThatThrownBy(() -> Frames.encode(0x86, 1, false, new Reply.Listed(two)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("131072");
    }

    @Test
    void encode_welcomeFieldNotU16_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(0x81, 1, false, new Reply.Welcome(1, 0, 1, 1, 0x10000, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failure_errnoName_mapsKnownAndUnknownNumbers() {
        assertThat(new Reply.Failure(2, "").errnoName()).isEqualTo(Errno.ENOENT);
        assertThat(new Reply.Failure(4095, "").errnoName()).isEqualTo(Errno.UNKNOWN);
        assertThatThrownBy(() -> new Reply.Failure(0, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Reply.Failure.of(Errno.UNKNOWN, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fdCount_eachReply_matchesTheSpecTable() {
        assertThat(new Reply.Restored(Entries.db()).fdCount()).isEqualTo(1);
        assertThat(new Reply.Saved(1).fdCount()).isZero();
        assertThat(new Reply.Listed(List.of(Entries.db())).fdCount()).isZero();
        assertThat(Reply.Failure.of(Errno.ENOENT, "").fdCount()).isZero();
    }

    @Test
    void decode_goAwayWithRequestId_failsWithEproto() {
        byte[] frame = Frames.withInt(Frames.encode(0xFF, 0, false, new Reply.GoAway(Reply.GoAway.Reason.SHUTDOWN,
                "bye")), 8, 3);

        assertThat(Frames.failure(() -> Frames.decodeReply(frame))).hasMessageContaining("request id 0");
    }

    @Test
    void encode_goAwayWithRequestIdOrErrorReplyWithGoAwayCode_throwsIllegalArgument() {
        assertThatThrownBy(() -> Frames.encode(0xFF, 5, false, new Reply.GoAway(Reply.GoAway.Reason.SHUTDOWN, "")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.encode(0xFF, 0, false, new Reply.Failure(2, "ENOENT")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GOAWAY");
    }

    @Test
    void decode_statusWithMalformedKnownValue_failsWithEproto() {
        byte[] frame = Frames.encode(0x89, 1, false, new Reply.Reported(DaemonStatusTest.minimal().build()));
        int at = indexOf(frame, "4242".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        frame[at] = 'x';

        assertThat(Frames.failure(() -> Frames.decodeReply(frame))).hasMessageContaining("serving_pid");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}

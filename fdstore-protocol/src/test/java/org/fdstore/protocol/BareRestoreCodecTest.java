package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fdstore.protocol.Frames.hex;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.Errno;
import org.junit.jupiter.api.Test;

/** RESTORE_MANY with BARE: the examples of docs/protocol.md, round trips, and the flag's rules. */
class BareRestoreCodecTest {

    /** A bare RESTORE_MANY of namespace "app", request id 10. */
    private static final byte[] RESTORE_NAMESPACE_BARE = hex("""
            46 44 53 54  01  0b  02 00  0a 00 00 00 00 00 00 00  06 00 00 00  00 00 00 00   // header: BARE, id 10
            01  03 00 61 70 70                                   // tag 1: namespace "app"
            """);

    /** Its reply: entry 7 named "db" and unnamed entry 8, with their 2 fds. */
    private static final byte[] RESTORED_BARE = hex("""
            46 44 53 54  01  8b  02 00  0a 00 00 00 00 00 00 00  20 00 00 00  02 00 00 00   // BARE, body 32, 2 fds
            00 00 00 00  00 00                                   // errno 0, message ""
            02 00 00 00                                          // 2 entries
            07 00 00 00 00 00 00 00  02 00 64 62                 // id 7, name "db"
            08 00 00 00 00 00 00 00  00 00                       // id 8, name ""
            """);

    private static final Reply.RestoredBare TWO = new Reply.RestoredBare(List.of(new BareEntry(7, "db"),
            new BareEntry(8, "")));

    @Test
    void bareExamples_encodeAndDecodeToTheSpecBytes() throws ProtocolException {
        Request.RestoreNamespace request = new Request.RestoreNamespace("app", true);
        assertThat(Frames.encode(10, request)).isEqualTo(RESTORE_NAMESPACE_BARE);
        DecodedRequest decoded = Frames.decodeRequest(RESTORE_NAMESPACE_BARE);
        assertThat(decoded.header().bare()).isTrue();
        assertThat(decoded.request()).isEqualTo(request);

        assertThat(Frames.encode(0x8B, 10, false, TWO)).isEqualTo(RESTORED_BARE);
        DecodedReply reply = Frames.decodeReply(RESTORED_BARE);
        assertThat(reply.header().bare()).isTrue();
        assertThat(reply.reply()).isEqualTo(TWO);
    }

    @Test
    void restoreSelectedBare_framesOfOneRequest_allCarryBareAndContinuesButTheLast() throws ProtocolException {
        List<Selector> selectors = new ArrayList<>();
        for (long id = 1; id <= 20_000; id++) selectors.add(new Selector.ById(id));
        List<List<Selector>> chunks = RequestCodec.chunkSelectors(selectors);
        assertThat(chunks).hasSizeGreaterThan(1);
        List<Selector> decoded = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
            int length = RequestCodec.encode(4, new Request.RestoreSelected(chunks.get(i), true), i < chunks.size() - 1,
                    out);
            DecodedRequest frame = RequestCodec.decode(out.flip().limit(length), 0);
            assertThat(frame.header().bare()).isTrue();
            assertThat(frame.header().continues()).isEqualTo(i < chunks.size() - 1);
            decoded.addAll(((Request.RestoreSelected) frame.request()).selectors());
        }
        assertThat(decoded).isEqualTo(selectors);
    }

    @Test
    void restoredBare_253NonAsciiNames_roundTripWithContinues() throws ProtocolException {
        List<BareEntry> entries = new ArrayList<>();
        for (int i = 0; i < Limits.MAX_FDS_PER_FRAME; i++) entries.add(new BareEntry(i + 1, "n\u00e6vn-\u65e5-" + i));
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
        int length = ReplyCodec.encode(0x8B, 3, true, new Reply.RestoredBare(entries), entries.size(), out);
        DecodedReply decoded = ReplyCodec.decode(out.flip().limit(length), entries.size());
        assertThat(decoded.header().continues()).isTrue();
        assertThat(decoded.reply()).isEqualTo(new Reply.RestoredBare(entries));
    }

    @Test
    void decode_bareOnAnotherType_failsWithEproto() {
        byte[] list = Frames.withByte(Frames.encode(6, new Request.ListEntries()), 6, Limits.FLAG_BARE);
        ProtocolException e = Frames.failure(() -> Frames.decodeRequest(list));
        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessage("LIST frame sets BARE, which only RESTORE_MANY frames may set");

        byte[] saved = Frames.withByte(Frames.encode(0x82, 6, false, new Reply.Saved(3)), 6, Limits.FLAG_BARE);
        assertThat(Frames.failure(() -> Frames.decodeReply(saved)))
                .hasMessage("SAVE reply frame sets BARE, which only RESTORE_MANY frames may set");
    }

    @Test
    void decode_bareOnAFailureReply_failsWithEproto() {
        byte[] failure = Frames.withByte(Frames.encode(0x8B, 6, false, Reply.Failure.of(Errno.ENOENT, "no entry")), 6,
                Limits.FLAG_BARE);
        assertThat(Frames.failure(() -> Frames.decodeReply(failure)))
                .hasMessage("RESTORE_MANY reply frame: only a successful RESTORE_MANY reply may set BARE");
    }

    @Test
    void decode_bareReplyWithMoreEntriesThanFdsOrFrames_failsWithEproto() {
        byte[] tooMany = Frames.withInt(RESTORED_BARE, 30, 254);
        assertThat(Frames.failure(() -> Frames.decodeReply(tooMany))).hasMessage("RESTORE_MANY reply frame: 254"
                + " entries exceed 253 per frame");
        byte[] notFitting = Frames.withInt(RESTORED_BARE, 30, 3);
        assertThat(Frames.failure(() -> Frames.decodeReply(notFitting)).errno()).isEqualTo(Errno.EPROTO);
        byte[] oneFd = Frames.withInt(RESTORED_BARE, 20, 1);
        assertThat(Frames.failure(() -> ReplyCodec.decode(ByteBuffer.wrap(oneFd), 1)))
                .hasMessage("RESTORE_MANY reply frame: carries 1 fds, but this reply carries 2");
    }

    @Test
    void decode_bareEntryNameNotUtf8_failsWithEproto() {
        byte[] broken = Frames.withByte(RESTORED_BARE, 24 + 6 + 4 + 8 + 2, 0xc0);
        assertThat(Frames.failure(() -> Frames.decodeReply(broken)))
                .hasMessage("RESTORE_MANY reply frame: entry name is not valid UTF-8");
    }
}

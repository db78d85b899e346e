package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fdstore.protocol.Frames.hex;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.Errno;
import org.fdstore.linux.FileKind;
import org.junit.jupiter.api.Test;

/** SAVE_MANY, RESTORE_MANY and FASTPATH: the examples of docs/protocol.md, multi-frame rules, limits and chunking. */
class BulkCodecTest {

    /** The first frame of the SAVE_MANY example: two items, CONTINUES. */
    private static final byte[] SAVE_MANY_FIRST = hex("""
            46 44 53 54  01  0a  01 00  05 00 00 00 00 00 00 00  37 00 00 00  02 00 00 00   // header, CONTINUES, 2 fds
            02 00 00 00                                          // 2 items
            01 00 61  00 00 00 00  00 00                         // item 0: name "a", no metadata, namespace ""
            00 00 00 00 00 00 00 00  00 00 00 00  00 00 00 00    // item 0: lifetime
            00 00  00 00 00 00  02 00 6e 73                      // item 1: name "", no metadata, namespace "ns"
            00 00 00 00 00 00 00 00  00 00 00 00  00 00 00 00    // item 1: lifetime
            """);

    private static final Request.SaveMany SAVE_MANY_REQUEST = new Request.SaveMany(List.of(
            new Request.Save("a", new byte[0]), new Request.Save("", new byte[0], "ns", Lifetime.DEFAULT)));

    private static final byte[] SAVED_MANY = hex("""
            46 44 53 54  01  8a  00 00  05 00 00 00 00 00 00 00  22 00 00 00  00 00 00 00   // header
            00 00 00 00  00 00                                   // errno 0, message ""
            03 00 00 00                                          // 3 ids
            07 00 00 00 00 00 00 00  08 00 00 00 00 00 00 00  09 00 00 00 00 00 00 00
            """);

    private static final byte[] RESTORE_NAMESPACE = hex("""
            46 44 53 54  01  0b  00 00  06 00 00 00 00 00 00 00  06 00 00 00  00 00 00 00   // header
            01  03 00 61 70 70                                   // tag 1: namespace "app"
            """);

    private static final byte[] RESTORE_SELECTED = hex("""
            46 44 53 54  01  0b  00 00  07 00 00 00 00 00 00 00  13 00 00 00  00 00 00 00   // header
            02  02 00 00 00                                      // tag 2: 2 selectors
            01 07 00 00 00 00 00 00 00                           // by id 7
            02 02 00 64 62                                       // by name "db"
            """);

    private static final byte[] FASTPATH = hex("""
            46 44 53 54  01  0c  00 00  08 00 00 00 00 00 00 00  00 00 00 00  00 00 00 00   // header, empty body
            """);

    private static final byte[] FASTPATH_REPLY = hex("""
            46 44 53 54  01  8c  00 00  08 00 00 00 00 00 00 00  0e 00 00 00  01 00 00 00   // header, 1 fd
            00 00 00 00  00 00                                   // errno 0, message ""
            92 10 00 00  05 00 00 00                             // daemon pid 4242, index fd 5
            """);

    @Test
    void saveManyExample_encodesAndDecodesToTheSpecBytes() throws ProtocolException {
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
        int length = RequestCodec.encode(5, SAVE_MANY_REQUEST, true, out);
        assertThat(java.util.Arrays.copyOf(out.array(), length)).isEqualTo(SAVE_MANY_FIRST);

        DecodedRequest decoded = RequestCodec.decode(ByteBuffer.wrap(SAVE_MANY_FIRST), 2);
        assertThat(decoded.header().continues()).isTrue();
        assertThat(decoded.request()).isEqualTo(SAVE_MANY_REQUEST);
    }

    @Test
    void savedManyExample_encodesAndDecodesToTheSpecBytes() throws ProtocolException {
        Reply.SavedMany ids = new Reply.SavedMany(List.of(7L, 8L, 9L));
        assertThat(Frames.encode(0x8A, 5, false, ids)).isEqualTo(SAVED_MANY);
        assertThat(Frames.decodeReply(SAVED_MANY).reply()).isEqualTo(ids);
    }

    @Test
    void restoreManyExamples_encodeAndDecodeToTheSpecBytes() throws ProtocolException {
        Request.RestoreNamespace namespace = new Request.RestoreNamespace("app");
        Request.RestoreSelected selected = new Request.RestoreSelected(List.of(new Selector.ById(7),
                new Selector.ByName("db")));
        assertThat(Frames.encode(6, namespace)).isEqualTo(RESTORE_NAMESPACE);
        assertThat(Frames.encode(7, selected)).isEqualTo(RESTORE_SELECTED);
        assertThat(Frames.decodeRequest(RESTORE_NAMESPACE).request()).isEqualTo(namespace);
        assertThat(Frames.decodeRequest(RESTORE_SELECTED).request()).isEqualTo(selected);
    }

    @Test
    void fastPathExamples_encodeAndDecodeToTheSpecBytes() throws ProtocolException {
        assertThat(Frames.encode(8, new Request.FastPath())).isEqualTo(FASTPATH);
        assertThat(Frames.encode(0x8C, 8, false, new Reply.FastPathIndex(4242, 5))).isEqualTo(FASTPATH_REPLY);
        DecodedReply reply = ReplyCodec.decode(ByteBuffer.wrap(FASTPATH_REPLY), 1);
        assertThat(reply.reply()).isEqualTo(new Reply.FastPathIndex(4242, 5));
    }

    @Test
    void restoredMany_roundTripsWithContinues() throws ProtocolException {
        List<EntryInfo> entries = List.of(entry(1), entry(2));
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
        int length = ReplyCodec.encode(0x8B, 3, true, new Reply.RestoredMany(entries), 2, out);
        DecodedReply decoded = ReplyCodec.decode(out.flip().limit(length), 2);
        assertThat(decoded.header().continues()).isTrue();
        assertThat(decoded.reply()).isEqualTo(new Reply.RestoredMany(entries));
    }

    @Test
    void decode_continuesOnASingleFrameRequest_failsWithEproto() {
        byte[] restoreNamespace = Frames.withByte(RESTORE_NAMESPACE, 6, 1);
        ProtocolException e = Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(restoreNamespace), 0));
        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessageContaining("may set CONTINUES");
    }

    @Test
    void decode_saveManyWhoseItemsAreNotItsFds_failsWithEproto() {
        byte[] oneFd = Frames.withInt(SAVE_MANY_FIRST, 20, 1);
        ProtocolException e = Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(oneFd), 1));
        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessageContaining("holds 2 items but 1 fds");
    }

    @Test
    void decode_saveManyOver253Items_failsWithEproto() {
        byte[] huge = Frames.withInt(SAVE_MANY_FIRST, 24, 254);
        ProtocolException e = Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(huge), 2));
        assertThat(e).hasMessageContaining("254 items, more than 253");
    }

    @Test
    void decode_badRestoreManyTagOrHugeSelectorCount_failsWithEproto() {
        assertThat(Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(Frames.withByte(RESTORE_NAMESPACE, 24, 3)),
                0))).hasMessageContaining("RESTORE_MANY tag 3");
        assertThat(Frames.failure(() -> RequestCodec.decode(ByteBuffer.wrap(Frames.withInt(RESTORE_SELECTED, 25, -1)),
                0))).hasMessageContaining("cannot fit");
    }

    @Test
    void chunkSaveMany_600Items_givesFramesOfAtMost253() {
        List<Request.Save> items = new ArrayList<>();
        for (int i = 0; i < 600; i++) items.add(new Request.Save("n" + i, new byte[0]));
        List<List<Request.Save>> chunks = RequestCodec.chunkSaveMany(items);
        assertThat(chunks).extracting(List::size).containsExactly(253, 253, 94);
        assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(items);
    }

    @Test
    void chunkSaveMany_bigMetadata_splitsByFrameSize() {
        List<Request.Save> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) items.add(new Request.Save("m" + i, new byte[60_000]));
        assertThat(RequestCodec.chunkSaveMany(items)).extracting(List::size).containsExactly(2, 2, 1);
    }

    @Test
    void chunkForRestoreMany_600Entries_givesFramesOfAtMost253ThatEncode() {
        List<EntryInfo> entries = new ArrayList<>();
        for (int i = 1; i <= 600; i++) entries.add(entry(i));
        List<List<EntryInfo>> chunks = ReplyCodec.chunkForRestoreMany(entries);
        assertThat(chunks).extracting(List::size).containsExactly(253, 253, 94);
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
        for (List<EntryInfo> chunk : chunks) {
            ReplyCodec.encode(0x8B, 1, true, new Reply.RestoredMany(chunk), chunk.size(), out.clear());
        }
    }

    @Test
    void chunkIds_manyIds_fitsFrames() {
        List<Long> ids = new ArrayList<>();
        for (long i = 1; i <= 40_000; i++) ids.add(i);
        List<List<Long>> chunks = ReplyCodec.chunkIds(ids);
        assertThat(chunks).hasSize(3);
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
        for (List<Long> chunk : chunks) ReplyCodec.encode(0x8A, 1, true, new Reply.SavedMany(chunk), 0, out.clear());
    }

    @Test
    void encode_continuesOnSingleFrameRequestOrReply_isRefused() {
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
        assertThatThrownBy(() -> RequestCodec.encode(1, new Request.FastPath(), true, out))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplyCodec.encode(0x8C, 1, true, new Reply.FastPathIndex(1, 2), 1, out))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static EntryInfo entry(long id) {
        return new EntryInfo(id, "name-" + id, "uid.0", FileKind.REGULAR, 2, 100, 0, 0, 1_700_000_000_000L,
                "/var/lib/app/file-" + id, new byte[0]);
    }
}

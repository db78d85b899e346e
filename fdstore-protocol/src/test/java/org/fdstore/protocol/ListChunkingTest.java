package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.fdstore.linux.FileKind;
import org.junit.jupiter.api.Test;

class ListChunkingTest {

    @Test
    void chunkForList_noEntries_givesOneEmptyChunk() {
        assertThat(ReplyCodec.chunkForList(List.of())).containsExactly(List.of());
    }

    @Test
    void chunkForList_fewSmallEntries_givesOneChunk() {
        List<EntryInfo> entries = List.of(Entries.db(), Entries.numbered(2, 10));

        assertThat(ReplyCodec.chunkForList(entries)).containsExactly(entries);
    }

    @Test
    void chunkForList_manyLargeEntries_everyFrameFitsAndOrderIsKept() throws ProtocolException {
        List<EntryInfo> entries = IntStream.rangeClosed(1, 40)
                .mapToObj(i -> i % 5 == 0 ? Entries.extreme(i) : Entries.numbered(i, 20_000 + 997 * i))
                .toList();

        List<List<EntryInfo>> chunks = ReplyCodec.chunkForList(entries);

        assertThat(chunks).hasSizeGreaterThan(5);
        List<EntryInfo> received = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
        for (int i = 0; i < chunks.size(); i++) {
            boolean more = i < chunks.size() - 1;
            out.clear();
            int length = ReplyCodec.encode(0x86, 3, more, new Reply.Listed(chunks.get(i)), 0, out);
            assertThat(length).isLessThanOrEqualTo(Limits.MAX_FRAME);

            DecodedReply decoded = ReplyCodec.decode(out.flip(), 0);
            assertThat(decoded.header().continues()).isEqualTo(more);
            received.addAll(((Reply.Listed) decoded.reply()).entries());
        }
        assertThat(received).containsExactlyElementsOf(entries);
    }

    @Test
    void chunkForList_eachChunk_couldNotTakeTheNextEntry() {
        List<EntryInfo> entries = IntStream.rangeClosed(1, 30).mapToObj(i -> Entries.numbered(i, 30_000)).toList();

        List<List<EntryInfo>> chunks = ReplyCodec.chunkForList(entries);

        // Greedy: a frame is only cut where the next entry would overflow it.
        for (int i = 0; i < chunks.size() - 1; i++) {
            List<EntryInfo> withNext = new ArrayList<>(chunks.get(i));
            withNext.add(chunks.get(i + 1).getFirst());
            assertThatThrownBy(() -> Frames.encode(0x86, 1, false, new Reply.Listed(withNext)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(chunks).hasSize(8);  // 4 entries of 30_000-odd bytes fit under 131072, 5 do not
    }

    @Test
    void chunkForList_entriesFillingFrameExactly_stayTogether() {
        // Two entries whose frame is exactly MAX_FRAME: 24 + 4 + 2 + 4 + 2 * 65519 = 131072.
        int entrySize = (Limits.MAX_FRAME - 34) / 2;
        int metadata = entrySize - EntryInfo.FIXED_SIZE - 1000;
        EntryInfo first = new EntryInfo(1, "", FileKind.PIPE, 0, 1, 0, 0, 0, "t".repeat(1000), new byte[metadata]);
        EntryInfo second = new EntryInfo(2, "", FileKind.PIPE, 0, 1, 0, 0, 0, "t".repeat(1000), new byte[metadata]);

        assertThat(first.encodedSize()).isEqualTo(65519);
        assertThat(ReplyCodec.chunkForList(List.of(first, second))).hasSize(1);
        assertThat(Frames.encode(0x86, 1, false, new Reply.Listed(List.of(first, second))))
                .hasSize(Limits.MAX_FRAME);
        assertThat(ReplyCodec.chunkForList(List.of(first, second, Entries.numbered(3, 0)))).hasSize(2);
    }

    @Test
    void chunkForList_entryOutsideLimits_throwsIllegalArgument() {
        EntryInfo tooBig = new EntryInfo(1, "", FileKind.PIPE, 0, 1, 0, 0, 0, "", new byte[65537]);

        assertThatThrownBy(() -> ReplyCodec.chunkForList(List.of(tooBig)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.fdstore.linux.FileKind;
import org.junit.jupiter.api.Test;

class EntryInfoTest {

    @Test
    void equals_sameMetadataContent_isEqual() {
        EntryInfo a = Entries.db();
        EntryInfo b = Entries.db();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void equals_differentMetadataByte_isNotEqual() {
        EntryInfo a = Entries.db();
        byte[] metadata = a.metadata();
        metadata[4] ^= 1;
        EntryInfo b = new EntryInfo(a.id(), a.name(), a.kind(), a.openFlags(), a.pid(), a.uid(), a.gid(),
                a.savedAtMillis(), a.target(), metadata);

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void equals_eachOtherField_matters() {
        EntryInfo a = Entries.db();
        byte[] m = a.metadata();

        assertThat(List.of(
                new EntryInfo(2, "db", FileKind.REGULAR, 0x8002, 1234, 1000, 1000, a.savedAtMillis(), a.target(), m),
                new EntryInfo(1, "dc", FileKind.REGULAR, 0x8002, 1234, 1000, 1000, a.savedAtMillis(), a.target(), m),
                new EntryInfo(1, "db", FileKind.PIPE, 0x8002, 1234, 1000, 1000, a.savedAtMillis(), a.target(), m),
                new EntryInfo(1, "db", FileKind.REGULAR, 0x8000, 1234, 1000, 1000, a.savedAtMillis(), a.target(), m),
                new EntryInfo(1, "db", FileKind.REGULAR, 0x8002, 1235, 1000, 1000, a.savedAtMillis(), a.target(), m),
                new EntryInfo(1, "db", FileKind.REGULAR, 0x8002, 1234, 1001, 1000, a.savedAtMillis(), a.target(), m),
                new EntryInfo(1, "db", FileKind.REGULAR, 0x8002, 1234, 1000, 1001, a.savedAtMillis(), a.target(), m),
                new EntryInfo(1, "db", FileKind.REGULAR, 0x8002, 1234, 1000, 1000, 0, a.target(), m),
                new EntryInfo(1, "db", FileKind.REGULAR, 0x8002, 1234, 1000, 1000, a.savedAtMillis(), "/x", m)))
                .allSatisfy(other -> assertThat(other).isNotEqualTo(a));
    }

    @Test
    void metadata_isCopiedInAndOut() {
        byte[] metadata = {1, 2, 3};
        EntryInfo e = new EntryInfo(1, "", FileKind.PIPE, 0, 1, 0, 0, 0, "pipe:[1]", metadata);
        metadata[0] = 9;
        e.metadata()[1] = 9;

        assertThat(e.metadata()).containsExactly(1, 2, 3);
    }

    @Test
    void encodedSize_matchesEncodedBytes() {
        for (EntryInfo e : List.of(Entries.db(), Entries.extreme(5), Entries.numbered(3, 0), Entries.numbered(4, 9))) {
            ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
            int frame = ReplyCodec.encode(0x83, 1, false, new Reply.Restored(e), 1, out);

            assertThat(e.encodedSize()).as(e.toString()).isEqualTo(frame - Limits.HEADER_SIZE - 4 - 2);
        }
    }

    @Test
    void encodedSize_unpairedSurrogate_throwsIllegalArgument() {
        EntryInfo e = new EntryInfo(1, "\uD800", FileKind.PIPE, 0, 1, 0, 0, 0, "", new byte[0]);

        assertThatThrownBy(e::encodedSize).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toString_largeMetadata_showsLengthAndCutsHex() {
        String s = Entries.extreme(1).toString();

        assertThat(s).contains("metadata=65536 bytes 001f3e").endsWith("...]");
        assertThat(s.length()).isLessThan(5000);
    }

    @Test
    void new_nullField_throwsNullPointer() {
        assertThatThrownBy(() -> new EntryInfo(1, null, FileKind.PIPE, 0, 1, 0, 0, 0, "", new byte[0]))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new EntryInfo(1, "", FileKind.PIPE, 0, 1, 0, 0, 0, "", null))
                .isInstanceOf(NullPointerException.class);
    }
}

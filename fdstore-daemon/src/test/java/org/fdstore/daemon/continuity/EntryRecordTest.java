package org.fdstore.daemon.continuity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.protocol.Lifetime;
import org.junit.jupiter.api.Test;

class EntryRecordTest {
    private static final EntryRecord RECORD = new EntryRecord(7, "ns", "db", new byte[] {1, 2},
            new PeerCredentials(42, 1000, 100), 0x0102030405060708L, new Lifetime(60_000, true, 5_000, true), 43,
            0, true);

    @Test
    void encode_knownRecord_writesGoldenBytes() {
        ByteBuffer out = ByteBuffer.allocate(RECORD.size()).order(ByteOrder.LITTLE_ENDIAN);
        RECORD.encode(out);
        String hex = HexFormat.of().formatHex(out.array(), 0, out.position());
        assertThat(hex).isEqualTo(
                "0700000000000000"                 // id 7
                + "0200" + "6e73"                   // namespace "ns"
                + "0200" + "6462"                   // name "db"
                + "02000000" + "0102"               // metadata
                + "2a000000" + "e8030000" + "64000000"   // saver pid 42, uid 1000, gid 100
                + "0807060504030201"                // saved at
                + "60ea000000000000" + "88130000" + "03000000"   // ttl 60 s, grace 5 s, OWNER_BOUND|KEEP_ON_HANGUP
                + "2b000000"                        // bound pid 43
                + "0000000000000000"                // owner lives
                + "01");                            // owner pidfd follows
    }

    @Test
    void decode_encoded_roundTrips() {
        ByteBuffer out = ByteBuffer.allocate(RECORD.size()).order(ByteOrder.LITTLE_ENDIAN);
        RECORD.encode(out);
        assertThat(EntryRecord.decode(out.flip())).isEqualTo(RECORD);
        assertThat(out.hasRemaining()).isFalse();
    }

    @Test
    void decode_truncated_fails() {
        ByteBuffer out = ByteBuffer.allocate(RECORD.size()).order(ByteOrder.LITTLE_ENDIAN);
        RECORD.encode(out);
        for (int cut = 0; cut < out.position(); cut += 5) {
            ByteBuffer truncated = out.duplicate().order(ByteOrder.LITTLE_ENDIAN).flip().limit(cut);
            assertThatThrownBy(() -> EntryRecord.decode(truncated))
                    .isInstanceOfAny(BufferUnderflowException.class, IllegalArgumentException.class);
        }
    }

    @Test
    void decode_reservedLifetimeFlag_fails() {
        ByteBuffer out = ByteBuffer.allocate(RECORD.size()).order(ByteOrder.LITTLE_ENDIAN);
        RECORD.encode(out);
        out.putInt(8 + 4 + 4 + 6 + 12 + 8 + 8 + 4, 4);
        assertThatThrownBy(() -> EntryRecord.decode(out.flip())).hasMessageContaining("lifetime flags 0x4");
    }

    @Test
    void encode_sharedNameRecord_setsFlagBit1AndRoundTrips() {
        EntryRecord shared = new EntryRecord(8, "ns", "web", new byte[0], new PeerCredentials(42, 0, 0), 0,
                Lifetime.DEFAULT, 0, 0, false, true);
        ByteBuffer out = ByteBuffer.allocate(shared.size()).order(ByteOrder.LITTLE_ENDIAN);
        shared.encode(out);
        assertThat(out.get(out.position() - 1)).as("flags: no owner fd, shared name").isEqualTo((byte) 2);
        assertThat(EntryRecord.decode(out.flip())).isEqualTo(shared);
    }

    @Test
    void decode_unknownRecordFlag_fails() {
        ByteBuffer out = ByteBuffer.allocate(RECORD.size()).order(ByteOrder.LITTLE_ENDIAN);
        RECORD.encode(out);
        out.put(out.position() - 1, (byte) 4);
        assertThatThrownBy(() -> EntryRecord.decode(out.flip())).hasMessageContaining("record flags 4");
    }
}

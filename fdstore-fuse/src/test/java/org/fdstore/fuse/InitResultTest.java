package org.fdstore.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class InitResultTest {
    static final InitResult AGREED = new InitResult(7, 45, 45, 0x5fd73fffffbL, 0x0a4_70c7f179L & 0x5fd73fffffbL,
            131072, 1 << 20, 256, 1, 64, 48, 1);

    @Test
    void toBytes_goldenHeaderAndRoundTrip() {
        byte[] bytes = AGREED.toBytes();
        assertThat(HexFormat.of().formatHex(bytes, 0, 20)).isEqualTo(
                "46494e54"          // magic "FINT"
                + "0001"            // format 1
                + "0038"            // body length 56
                + "00000007"        // major, big-endian
                + "0000002d"        // minor 45
                + "0000002d");      // kernel minor 45
        assertThat(bytes).hasSize(64);
        assertThat(InitResult.fromBytes(bytes)).isEqualTo(AGREED);
    }

    @Test
    void fromBytes_rejectsWhatItCannotTrust() {
        byte[] bytes = AGREED.toBytes();
        assertThatThrownBy(() -> InitResult.fromBytes(Arrays.copyOf(bytes, 30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("56");
        assertThatThrownBy(() -> InitResult.fromBytes(Arrays.copyOf(bytes, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        byte[] newer = bytes.clone();
        newer[5] = 2;
        assertThatThrownBy(() -> InitResult.fromBytes(newer)).hasMessageContaining("newer than this build");
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> InitResult.fromBytes(magic)).hasMessageContaining("bad magic");
        byte[] extra = Arrays.copyOf(bytes, 65);
        assertThatThrownBy(() -> InitResult.fromBytes(extra)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_rejectsAgreementsTheKernelCouldNotHaveMade() {
        assertThatThrownBy(() -> new InitResult(7, 45, 45, InitFlags.ASYNC_READ, InitFlags.PASSTHROUGH,
                0, 1 << 20, 0, 1, 0, 0, 0)).hasMessageContaining("PASSTHROUGH were not offered");
        assertThatThrownBy(() -> new InitResult(7, 45, 40, 0, 0, 0, 1 << 20, 0, 1, 0, 0, 0))
                .hasMessageContaining("kernel minor");
        assertThatThrownBy(() -> new InitResult(8, 1, 1, 0, 0, 0, 1 << 20, 0, 1, 0, 0, 0))
                .hasMessageContaining("major");
    }

    @Test
    void has_andBufferSize() {
        assertThat(AGREED.has(InitFlags.ASYNC_READ)).isTrue();
        assertThat(AGREED.readBufferSize()).isEqualTo((1 << 20) + 4096);
        assertThat(new InitResult(7, 45, 45, 0, 0, 0, 4096, 0, 1, 0, 0, 0).readBufferSize()).isEqualTo(8192);
        assertThat(InitFlags.describe(InitFlags.PASSTHROUGH | InitFlags.ASYNC_READ | (1L << 50)))
                .isEqualTo("ASYNC_READ|PASSTHROUGH|0x4000000000000");
    }
}

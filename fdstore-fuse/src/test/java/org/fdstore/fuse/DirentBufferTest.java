package org.fdstore.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirentBufferTest {
    static final FuseContext C = new FuseContext(1, 1, 0, 0, 0, List.of());

    @Test
    void add_padsEachEntryTo8Bytes() {
        DirentBuffer b = DirentBuffer.of(new FuseRequest.Readdir(C, 0, 0, 4096));
        assertThat(b.add("a".getBytes(), 5, 040755, 1)).isTrue();          // 24 + 1 -> 32
        assertThat(b.size()).isEqualTo(32);
        assertThat(b.add("12345678".getBytes(), 6, 0100644, 2)).isTrue();   // 24 + 8 -> 32
        assertThat(b.size()).isEqualTo(64);
        assertThat(b.contents().get(ValueLayout.JAVA_INT_UNALIGNED, 20)).as("type DT_DIR").isEqualTo(4);
        assertThat(b.contents().get(ValueLayout.JAVA_BYTE, 25)).as("padding is zero").isZero();
        assertThat(b.count()).isEqualTo(2);
    }

    @Test
    void add_stopsAtTheRequestSizeAndAddsNothingThatDoesNotFit() {
        DirentBuffer b = DirentBuffer.of(new FuseRequest.Readdir(C, 0, 0, 40));
        assertThat(b.add("a".getBytes(), 5, 040755, 1)).isTrue();
        assertThat(b.add("b".getBytes(), 6, 040755, 2)).isFalse();
        assertThat(b.size()).isEqualTo(32);
        assertThat(b.count()).isEqualTo(1);
        assertThat(b.capacity()).isEqualTo(40);
    }

    @Test
    void addPlus_writesEntryOutThenDirent() {
        DirentBuffer b = DirentBuffer.of(new FuseRequest.Readdirplus(C, 0, 0, 4096));
        var attr = FuseAttr.of(9, 0100644, 1, 3, 0, 0, 0);
        assertThat(b.add("f".getBytes(), new FuseEntry(9, 2, Duration.ofSeconds(1), Duration.ZERO, attr), 3)).isTrue();
        assertThat(b.size()).isEqualTo(160);                                                   // 128 + 24 + 1 -> 160
        assertThat(b.contents().get(ValueLayout.JAVA_LONG_UNALIGNED, 0)).isEqualTo(9);        // entry_out.nodeid
        assertThat(b.contents().get(ValueLayout.JAVA_LONG_UNALIGNED, 128)).isEqualTo(9);      // dirent.ino
        assertThat(b.contents().get(ValueLayout.JAVA_LONG_UNALIGNED, 136)).isEqualTo(3);      // dirent.off
        assertThat(b.add(".".getBytes(), 1, 040755, 4)).as("no attributes: nodeid 0").isTrue();
        assertThat(b.contents().get(ValueLayout.JAVA_LONG_UNALIGNED, 160)).isZero();
    }

    @Test
    void badNames_andWrongKind_areRejected() {
        DirentBuffer b = DirentBuffer.of(new FuseRequest.Readdir(C, 0, 0, 4096));
        assertThatThrownBy(() -> b.add(new byte[0], 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add("a/b".getBytes(), 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(new byte[] {'a', 0}, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(new byte[1025], 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add("a".getBytes(), FuseEntry.negative(Duration.ZERO), 1))
                .isInstanceOf(IllegalStateException.class);
        assertThat(b.size()).isZero();
    }
}

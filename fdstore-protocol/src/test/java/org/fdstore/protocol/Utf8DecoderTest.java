package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Strict UTF-8 decoding: ASCII without a decoder, everything else through one, malformed input refused. */
class Utf8DecoderTest {
    private final Utf8Decoder decoder = new Utf8Decoder();

    @Test
    void read_asciiAndEmpty_giveTheTextAndConsumeExactlyTheirBytes() {
        ByteBuffer in = ByteBuffer.wrap("/tmp/a.sockrest".getBytes(StandardCharsets.US_ASCII));
        assertThat(decoder.read(in, 0)).isEmpty();
        assertThat(decoder.read(in, 11)).isEqualTo("/tmp/a.sock");
        assertThat(in.position()).isEqualTo(11);
    }

    @Test
    void read_nonAscii_givesTheText() {
        for (String text : new String[] {"db\u00e9", "\u65e5\u672c\u8a9e", "emoji \ud83d\ude00", "\u0080\uffff"}) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            assertThat(decoder.read(ByteBuffer.wrap(utf8), utf8.length)).isEqualTo(text);
        }
    }

    @Test
    void read_longerThanItsFirstBuffer_givesTheText() {
        String ascii = "a".repeat(4096);
        String other = "\u00e6".repeat(2048);
        assertThat(decoder.read(ByteBuffer.wrap(ascii.getBytes(StandardCharsets.UTF_8)), 4096)).isEqualTo(ascii);
        assertThat(decoder.read(ByteBuffer.wrap(other.getBytes(StandardCharsets.UTF_8)), 4096)).isEqualTo(other);
    }

    @Test
    void read_malformed_givesNull() {
        String[] malformed = {
            "80",           // a lone continuation byte
            "61 c3",        // a lead byte at the end
            "c3 41",        // a lead byte followed by ASCII
            "c0 80",        // an overlong NUL
            "e0 80 80",     // an overlong three-byte form
            "ed a0 80",     // U+D800, a surrogate, encoded as if it were a scalar value
            "f4 90 80 80",  // above U+10FFFF
            "ff",           // never in UTF-8
            "61 62 63 fe",  // ASCII, then a byte never in UTF-8
        };
        for (String hex : malformed) {
            byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
            assertThat(decoder.read(ByteBuffer.wrap(bytes), bytes.length)).as(hex).isNull();
        }
    }

    @Test
    void read_afterMalformedInput_decodesTheNextStringAfresh() {
        byte[] bad = {(byte) 0xe6, (byte) 0x97};
        byte[] good = "\u65e5".getBytes(StandardCharsets.UTF_8);
        assertThat(decoder.read(ByteBuffer.wrap(bad), 2)).isNull();
        assertThat(decoder.read(ByteBuffer.wrap(good), good.length)).isEqualTo("\u65e5");
        assertThat(decoder.read(ByteBuffer.wrap(bad), 2)).isNull();
    }
}

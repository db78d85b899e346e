package org.fdstore.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads UTF-8 text out of a frame, strictly: malformed UTF-8 is refused, never read as U+FFFD. ASCII, the usual case
 * (names, namespaces, paths), becomes a String with one copy out of the buffer and no {@link CharsetDecoder}; other
 * text goes through a strict decoder, made the first time one is needed.
 *
 * <p>Not thread safe: one per reader.
 */
final class Utf8Decoder {
    /** The bytes being decoded, copied out of the buffer at once; grown as needed. */
    private byte[] scratch = new byte[64];
    private CharsetDecoder strict;

    /** The next {@code length} bytes of {@code in}, which must hold them, as a String; null if they are not UTF-8. */
    String read(ByteBuffer in, int length) {
        if (length == 0) return "";
        if (scratch.length < length) scratch = new byte[Math.max(length, 2 * scratch.length)];
        in.get(scratch, 0, length);
        for (int i = 0; i < length; i++) {
            if (scratch[i] < 0) return decodeStrictly(length);
        }
        // Every byte is below 0x80: the UTF-8 is also Latin-1, which the JDK copies into a compact String as it is.
        return new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
    }

    private String decodeStrictly(int length) {
        if (strict == null) {
            // REPORT, not the default REPLACE.
            strict = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            return strict.reset().decode(ByteBuffer.wrap(scratch, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

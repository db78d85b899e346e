package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Names and paths as the kernel takes them: bytes, NUL-terminated in native memory, rendered readably in messages.
 *
 * <p>A file name on Linux is any bytes but '/' and NUL, so the bindings take {@code byte[]} and never decode them:
 * a passthrough must hand back exactly the bytes it was given. Thread safe.
 */
final class CString {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CString() {}

    /** UTF-8 bytes of {@code s}, for the String convenience overloads. */
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code bytes} plus a terminating NUL, in {@code arena}.
     *
     * @throws LinuxException EINVAL if {@code bytes} holds a NUL, which C would silently cut the name at
     */
    static MemorySegment allocate(Arena arena, byte[] bytes, String function) throws LinuxException {
        for (byte b : bytes) {
            if (b == 0) throw new LinuxException(function + "(" + quote(bytes) + ")", Errno.EINVAL,
                    "the name contains a NUL byte");
        }
        MemorySegment s = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, s, JAVA_BYTE, 0, bytes.length);
        return s; // arena.allocate zero-fills, so the last byte is the NUL
    }

    /** The bytes of {@code segment} up to {@code length}. */
    static byte[] toBytes(MemorySegment segment, long length) {
        return segment.asSlice(0, length).toArray(JAVA_BYTE);
    }

    /**
     * {@code "name"} for messages: valid UTF-8 shows as text, other bytes as {@code \xff}; quotes, backslashes and
     * control characters are escaped, so the message shows every byte unambiguously.
     */
    static String quote(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length + 2).append('"');
        String text = decodeStrict(bytes);
        if (text != null) {
            text.codePoints().forEach(c -> {
                if (c == '"' || c == '\\') out.append('\\').appendCodePoint(c);
                else if (c < 0x20 || c == 0x7f) escape(out, c);
                else out.appendCodePoint(c);
            });
        } else {
            for (byte b : bytes) {
                int c = b & 0xff;
                if (c == '"' || c == '\\') out.append('\\').append((char) c);
                else if (c < 0x20 || c >= 0x7f) escape(out, c);
                else out.append((char) c);
            }
        }
        return out.append('"').toString();
    }

    private static void escape(StringBuilder out, int c) {
        out.append("\\x").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }

    private static String decodeStrict(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

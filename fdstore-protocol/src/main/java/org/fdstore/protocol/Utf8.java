package org.fdstore.protocol;

import java.nio.charset.StandardCharsets;

/** UTF-8 lengths and encoding that refuse what UTF-8 cannot hold, instead of writing {@code '?'}. */
final class Utf8 {
    private Utf8() {}

    /** Index of the first unpaired surrogate in {@code s}, or -1. */
    static int firstUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Bytes of {@code s} in UTF-8, counted without encoding it.
     *
     * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate
     */
    static int length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw unpaired(s, i);
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * {@code s} in UTF-8.
     *
     * @param what names the string in the exception's message
     * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate or needs more than {@code maxBytes}
     */
    static byte[] encode(String s, int maxBytes, String what) {
        checkedLength(s, maxBytes, what);
        // Safe now: without unpaired surrogates, getBytes replaces nothing.
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Bytes of {@code s} in UTF-8, which {@link WireWriter#string(String)} may then write.
     *
     * @param what names the string in the exception's message
     * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate or needs more than {@code maxBytes}
     */
    static int checkedLength(String s, int maxBytes, String what) {
        int length = length(s);
        if (length > maxBytes) {
            throw new IllegalArgumentException(what + " is " + length + " bytes of UTF-8, more than " + maxBytes);
        }
        return length;
    }

    private static IllegalArgumentException unpaired(String s, int index) {
        return new IllegalArgumentException(String.format(
                "string holds an unpaired surrogate U+%04X at index %d, which UTF-8 cannot encode",
                (int) s.charAt(index), index));
    }
}

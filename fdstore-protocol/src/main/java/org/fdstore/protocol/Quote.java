package org.fdstore.protocol;

/** Quotes a string for a message, so that a name full of control characters cannot forge a log line. */
final class Quote {
    private Quote() {}

    /** {@code s} in double quotes, with {@code "}, {@code \}, control characters and unpaired surrogates escaped. */
    static String of(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (c < 0x20 || c == 0x7F || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}

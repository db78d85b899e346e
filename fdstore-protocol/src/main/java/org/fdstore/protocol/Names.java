package org.fdstore.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * The rules an entry name must follow: 1 to 255 bytes of UTF-8, no control characters (U+0000 to U+001F,
 * U+007F), and not only ASCII digits, so that a command line can tell a name from an id.
 *
 * <p>Stateless and thread safe.
 */
public final class Names {
    private Names() {}

    /**
     * Why {@code name} is not a valid entry name, as a sentence, or empty if it is valid.
     *
     * <p>The empty string is reported invalid: it means "unnamed" on the wire and is not a name.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public static Optional<String> whyInvalid(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) return Optional.of("a name must not be empty");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return Optional.of(String.format("name %s contains the control character U+%04X at index %d",
                        Quote.of(name), (int) c, i));
            }
        }
        int unpaired = Utf8.firstUnpairedSurrogate(name);
        if (unpaired >= 0) {
            return Optional.of(String.format(
                    "name %s contains an unpaired surrogate U+%04X at index %d, which UTF-8 cannot encode",
                    Quote.of(name), (int) name.charAt(unpaired), unpaired));
        }
        int bytes = Utf8.length(name);
        if (bytes > Limits.MAX_NAME_BYTES) {
            return Optional.of("name " + Quote.of(name) + " is " + bytes + " bytes of UTF-8, more than "
                    + Limits.MAX_NAME_BYTES);
        }
        if (isAsciiDigits(name)) {
            return Optional.of("name " + Quote.of(name) + " is only ASCII digits, so it would read as an id");
        }
        return Optional.empty();
    }

    /** Whether {@code s} is non-empty and all ASCII digits. */
    static boolean isAsciiDigits(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }
}

package org.fdstore.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * The rules an entry name must follow: 1 to 255 bytes of UTF-8, no control characters (U+0000 to U+001F,
 * U+007F), and not only ASCII digits, so that a command line can tell a name from an id. And the rules of a
 * namespace: 1 to 64 bytes of ASCII letters, digits, {@code . _ - : @}, not {@code .} or {@code ..}.
 *
 * <p>A name on the wire or a command line may be qualified, {@code namespace/name}: the namespace is what comes
 * before the first {@code /}, and the name after it may hold more slashes. An unqualified name lives in the peer's
 * default namespace. See {@link QualifiedName}.
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
        if (name.charAt(0) == QualifiedName.SEPARATOR) {
            return Optional.of("name " + Quote.of(name) + " starts with '/': a namespace must come before it");
        }
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

    /**
     * Why {@code namespace} is not a valid namespace, as a sentence, or empty if it is valid.
     *
     * @throws NullPointerException if {@code namespace} is null
     */
    public static Optional<String> whyInvalidNamespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isEmpty()) return Optional.of("a namespace must not be empty");
        if (namespace.length() > Limits.MAX_NAMESPACE_BYTES) {
            return Optional.of("namespace " + Quote.of(namespace) + " is longer than " + Limits.MAX_NAMESPACE_BYTES
                    + " bytes");
        }
        if (namespace.equals(".") || namespace.equals("..")) {
            return Optional.of("namespace " + Quote.of(namespace) + " is reserved");
        }
        for (int i = 0; i < namespace.length(); i++) {
            char c = namespace.charAt(i);
            if (!isNamespaceChar(c)) {
                return Optional.of(String.format("namespace %s contains %s at index %d; a namespace holds only"
                        + " ASCII letters, digits and . _ - : @", Quote.of(namespace),
                        c < 0x20 || c >= 0x7F ? String.format("U+%04X", (int) c) : "'" + c + "'", i));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code c} may appear in a namespace. */
    public static boolean isNamespaceChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-' || c == ':' || c == '@';
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

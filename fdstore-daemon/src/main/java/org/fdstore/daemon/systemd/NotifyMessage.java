package org.fdstore.daemon.systemd;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.fdstore.protocol.Names;

/**
 * One sd_notify(3) datagram, parsed: newline-separated {@code KEY=VALUE} lines in UTF-8 (empty lines are skipped;
 * a key given twice keeps its last value, as systemd does).
 *
 * <p>Immutable and thread safe.
 */
public final class NotifyMessage {
    /** The name systemd gives fds stored without FDNAME. */
    public static final String DEFAULT_FD_NAME = "stored";
    /** systemd's FDNAME_MAX. */
    public static final int MAX_FD_NAME = 255;

    private final Map<String, String> fields;

    private NotifyMessage(Map<String, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /**
     * Parses {@code length} bytes of {@code data}.
     *
     * @throws Malformed naming the first thing wrong: bad UTF-8, a NUL byte, a line without '=', an empty key, or
     *     an invalid FDNAME
     */
    public static NotifyMessage parse(ByteBuffer data) throws Malformed {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(data).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the datagram is not valid UTF-8");
        }
        if (text.indexOf('\0') >= 0) throw new Malformed("the datagram contains a NUL byte");
        Map<String, String> fields = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            if (line.isEmpty()) continue;
            int equals = line.indexOf('=');
            if (equals < 0) throw new Malformed("line " + lineNumber + " has no '=': " + quote(line));
            if (equals == 0) throw new Malformed("line " + lineNumber + " has an empty key");
            fields.put(line.substring(0, equals), line.substring(equals + 1));
        }
        String fdName = fields.get("FDNAME");
        if (fdName != null) {
            String why = whyInvalidFdName(fdName).orElse(null);
            if (why != null) throw new Malformed(why);
        }
        return new NotifyMessage(fields);
    }

    /**
     * Why {@code name} cannot be an FDNAME, or empty: systemd's rules (at most 255 characters of printable ASCII,
     * no ':', which separates LISTEN_FDNAMES) and the store's (not only digits, not starting with '/').
     */
    public static Optional<String> whyInvalidFdName(String name) {
        if (name.length() > MAX_FD_NAME) {
            return Optional.of("FDNAME is " + name.length() + " characters, more than " + MAX_FD_NAME);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c >= 0x7F) {
                return Optional.of(String.format("FDNAME %s contains U+%04X at index %d; systemd allows printable"
                        + " ASCII only", quote(name), (int) c, i));
            }
            if (c == ':') return Optional.of("FDNAME " + quote(name) + " contains ':', which separates LISTEN_FDNAMES");
        }
        if (name.isEmpty()) return Optional.empty();
        return Names.whyInvalid(name).map(why -> "FDNAME: " + why);
    }

    /** The value of {@code key}, or null. */
    public String get(String key) {
        return fields.get(key);
    }

    /** Whether {@code key=1} was sent. */
    public boolean isSet(String key) {
        return "1".equals(fields.get(key));
    }

    /** The name stored fds get: FDNAME, or {@value #DEFAULT_FD_NAME} when it is missing or empty. */
    public String fdName() {
        String name = fields.get("FDNAME");
        return name == null || name.isEmpty() ? DEFAULT_FD_NAME : name;
    }

    /** Every field, in the order sent. */
    public Map<String, String> fields() {
        return fields;
    }

    private static String quote(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        StringBuilder out = new StringBuilder("\"");
        for (char c : cut.toCharArray()) {
            if (c < 0x20 || c == 0x7F) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }

    /** A datagram that is not a well-formed notify message; the message says what is wrong. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        /** A malformed datagram, {@code why}. */
        public Malformed(String why) {
            super(why);
        }
    }
}

package org.fdstore.daemon.observe;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;

/**
 * Writes one line of key=value pairs per event, e.g. {@code ts=2026-11-24T02:00:00.123Z event=save id=1 result=ok}.
 * Values with spaces, quotes or '=' are double-quoted with backslash escapes.
 *
 * <p>Thread safe: each line is written whole.
 */
public final class EventLog {
    private final PrintStream out;
    private final Clock clock;

    /** Logs to {@code out}, stamping lines with {@code clock}. */
    public EventLog(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /** Logs {@code event} with alternating keys and values; a null value is left out. */
    public void log(String event, Object... keysAndValues) {
        StringBuilder line = new StringBuilder(128);
        line.append("ts=").append(Instant.now(clock)).append(" event=").append(event);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) continue;
            line.append(' ').append(keysAndValues[i]).append('=');
            appendValue(line, String.valueOf(keysAndValues[i + 1]));
        }
        out.println(line);
    }

    static void appendValue(StringBuilder line, String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
        }
        if (plain) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                default -> {
                    if (c < ' ' || c == 0x7f) line.append(String.format("\\x%02x", (int) c));
                    else line.append(c);
                }
            }
        }
        line.append('"');
    }
}

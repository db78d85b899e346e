package org.fdstore.daemon.observe;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;

/**
 * Writes one line of key=value pairs per event, e.g. {@code ts=2026-11-24T02:00:00.123Z event=save id=1 result=ok}.
 * Values with spaces, quotes or '=' are double-quoted with backslash escapes.
 *
 * <p>Between {@link #openBatch()} and {@link #closeBatch()} lines wait in memory and are written together, so that
 * the event loop writes the lines of one turn with one write(2) rather than one per request. Outside a batch each
 * line is written at once.
 *
 * <p>Thread safe: each line is written whole.
 */
public final class EventLog {
    private final PrintStream out;
    private final Clock clock;
    private final StringBuilder batch = new StringBuilder(4096);
    private boolean batching;

    /** Logs to {@code out}, stamping lines with {@code clock}. */
    public EventLog(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /** Logs {@code event} with alternating keys and values; a null value is left out. */
    public void log(String event, Object... keysAndValues) {
        StringBuilder line = new StringBuilder(160);
        line.append("ts=").append(Instant.now(clock)).append(" event=").append(event);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) continue;
            line.append(' ').append(keysAndValues[i]).append('=');
            appendValue(line, String.valueOf(keysAndValues[i + 1]));
        }
        line.append('\n');
        synchronized (this) {
            if (batching) batch.append(line);
            else out.print(line);
        }
    }

    /** Holds the lines logged from now on until {@link #closeBatch()}. Harmless when a batch is open. */
    public synchronized void openBatch() {
        batching = true;
    }

    /** Writes the lines held since {@link #openBatch()} and writes later ones at once again. */
    public synchronized void closeBatch() {
        batching = false;
        if (batch.isEmpty()) return;
        out.print(batch);
        out.flush();
        batch.setLength(0);
        // A burst (a bulk request's lines) must not keep its buffer for the daemon's lifetime.
        if (batch.capacity() > 1 << 16) batch.trimToSize();
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

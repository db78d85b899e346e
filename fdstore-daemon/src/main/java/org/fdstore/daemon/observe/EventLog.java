package org.fdstore.daemon.observe;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * <p>Lines below the log's {@link LogLevel} are not built at all.
 *
 * <p>Thread safe: each line is written whole.
 */
public final class EventLog {
    /** Beyond this, the buffers shrink back after a burst (a bulk request's lines). */
    private static final int KEPT_CAPACITY = 1 << 16;

    private final PrintStream out;
    private final Clock clock;
    private volatile LogLevel threshold;
    /** The lines not written yet: those of the open batch, or the one being logged. Guarded by this. */
    private final StringBuilder pending = new StringBuilder(4096);
    /** Where {@link #pending} is encoded for the write, reused. Guarded by this. */
    private byte[] encoded = new byte[4096];
    private boolean batching;
    /** The epoch second of {@link #secondText}, which is its ISO-8601 form without the zone. Guarded by this. */
    private long second = Long.MIN_VALUE;
    private String secondText;

    /** Logs to {@code out} at {@link LogLevel#INFO} and above, stamping lines with {@code clock}. */
    public EventLog(PrintStream out, Clock clock) {
        this(out, clock, LogLevel.INFO);
    }

    /** Logs to {@code out} at {@code threshold} and above, stamping lines with {@code clock}. */
    public EventLog(PrintStream out, Clock clock, LogLevel threshold) {
        this.out = out;
        this.clock = clock;
        this.threshold = threshold;
    }

    /** Logs lines at {@code level} and above from now on (a standby learns its server's level once following). */
    public void threshold(LogLevel level) {
        threshold = level;
    }

    /** Whether lines at {@code level} are written. */
    public boolean enabled(LogLevel level) {
        return level.compareTo(threshold) >= 0;
    }

    /**
     * Logs a lifecycle event or a refusal ({@link LogLevel#INFO}) with alternating keys and values; a null value is
     * left out.
     */
    public void log(String event, Object... keysAndValues) {
        if (enabled(LogLevel.INFO)) append(event, keysAndValues);
    }

    /** Logs a per-request or per-entry line ({@link LogLevel#DEBUG}), as {@link #log} does. */
    public void debug(String event, Object... keysAndValues) {
        if (enabled(LogLevel.DEBUG)) append(event, keysAndValues);
    }

    /** Logs a failure of the daemon's own machinery ({@link LogLevel#WARNING}), as {@link #log} does. */
    public void warning(String event, Object... keysAndValues) {
        if (enabled(LogLevel.WARNING)) append(event, keysAndValues);
    }

    private synchronized void append(String event, Object... keysAndValues) {
        StringBuilder line = pending;
        line.append("ts=");
        appendTimestamp(line, clock.instant());
        line.append(" event=").append(event);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            Object value = keysAndValues[i + 1];
            if (value == null) continue;
            line.append(' ').append(keysAndValues[i]).append('=');
            // Numbers need no quoting: appended as they are, without a String of their own.
            if (value instanceof Integer n) line.append(n.intValue());
            else if (value instanceof Long n) line.append(n.longValue());
            else appendValue(line, value.toString());
        }
        line.append('\n');
        if (!batching) write();
    }

    /** Holds the lines logged from now on until {@link #closeBatch()}. Harmless when a batch is open. */
    public synchronized void openBatch() {
        batching = true;
    }

    /** Writes the lines held since {@link #openBatch()} and writes later ones at once again. */
    public synchronized void closeBatch() {
        batching = false;
        if (!pending.isEmpty()) write();
    }

    /** Writes {@link #pending} with one write and empties it. */
    private void write() {
        int length = pending.length();
        if (encoded.length < length) encoded = new byte[Math.max(length, encoded.length * 2)];
        int i = 0;
        while (i < length && pending.charAt(i) < 0x80) {
            encoded[i] = (byte) pending.charAt(i);
            i++;
        }
        if (i == length) {
            out.write(encoded, 0, length);
        } else {
            byte[] utf8 = pending.toString().getBytes(StandardCharsets.UTF_8);
            out.write(utf8, 0, utf8.length);
        }
        out.flush();
        pending.setLength(0);
        if (pending.capacity() > KEPT_CAPACITY) {
            pending.trimToSize();
            encoded = new byte[4096];
        }
    }

    /**
     * {@code instant} as {@link Instant#toString()} writes it (the fraction in groups of three digits, as many as
     * it needs), with the date and time of the second formatted once per second.
     */
    private void appendTimestamp(StringBuilder line, Instant instant) {
        long epochSecond = instant.getEpochSecond();
        if (epochSecond != second) {
            String text = Instant.ofEpochSecond(epochSecond).toString();
            secondText = text.substring(0, text.length() - 1);
            second = epochSecond;
        }
        line.append(secondText);
        int nanos = instant.getNano();
        if (nanos != 0) {
            int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            int fraction = nanos / (digits == 3 ? 1_000_000 : digits == 6 ? 1_000 : 1);
            line.append('.');
            String text = Integer.toString(fraction);
            for (int pad = text.length(); pad < digits; pad++) line.append('0');
            line.append(text);
        }
        line.append('Z');
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

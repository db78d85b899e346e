package org.fdstore.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DURATION arguments and columns: a number with a unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}, or
 * several of them ({@code 1h30m}); a bare number is seconds; ISO-8601 ({@code PT90S}) works too. Free of picocli, so
 * that {@link FastParser} and the tables use it without loading picocli; {@link DurationConverter} adapts it.
 *
 * <p>Stateless and thread safe.
 */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    /**
     * The duration {@code text} names.
     *
     * @throws IllegalArgumentException if it names none
     */
    static Duration parse(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("\"" + text + "\" is not an ISO-8601 duration");
            }
        }
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration such as 500ms, 30s, 5m, 2h, 1d"
                    + " or 1h30m");
        }
        return total;
    }

    /** {@code 1d2h}, {@code 3m5s}, {@code 45s}, {@code 450ms}: the two largest units, for tables. */
    static String format(long millis) {
        if (millis < 1000) return Math.max(0, millis) + "ms";
        long seconds = millis / 1000;
        long[] sizes = {86_400, 3600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            long n = seconds / sizes[i];
            if (n == 0) continue;
            String text = n + units[i];
            if (i + 1 < sizes.length) {
                long next = seconds % sizes[i] / sizes[i + 1];
                if (next != 0) text += next + units[i + 1];
            }
            return text;
        }
        return "0s";
    }
}

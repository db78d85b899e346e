package org.fdstore.daemon.observe;

import java.util.List;

/**
 * Writes metric families in the Prometheus text exposition format, version 0.0.4.
 *
 * <p>Stateless and thread safe.
 */
public final class MetricsText {
    /** The Content-Type of the format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsText() {}

    /** The text of {@code families}, in order: {@code # HELP}, {@code # TYPE}, then each sample on a line. */
    public static String render(List<MetricFamily> families) {
        StringBuilder out = new StringBuilder(4096);
        for (MetricFamily f : families) {
            out.append("# HELP ").append(f.name()).append(' ');
            escape(out, f.help(), false);
            out.append("\n# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
            for (MetricFamily.Sample s : f.samples()) {
                out.append(s.name());
                List<String> labels = s.labels();
                if (!labels.isEmpty()) {
                    out.append('{');
                    for (int i = 0; i < labels.size(); i += 2) {
                        if (i > 0) out.append(',');
                        out.append(labels.get(i)).append("=\"");
                        escape(out, labels.get(i + 1), true);
                        out.append('"');
                    }
                    out.append('}');
                }
                out.append(' ');
                value(out, s.value());
                out.append('\n');
            }
        }
        return out.toString();
    }

    /**
     * Cuts {@code text} into pieces of whole lines of at most {@code maxBytes} UTF-8 bytes each, in order; one
     * empty piece for an empty text.
     *
     * @throws IllegalArgumentException if a single line is longer than {@code maxBytes}
     */
    public static List<String> split(String text, int maxBytes) {
        List<String> pieces = new java.util.ArrayList<>();
        StringBuilder piece = new StringBuilder();
        int pieceBytes = 0;
        for (String line : text.split("(?<=\n)")) {
            int bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > maxBytes) throw new IllegalArgumentException("a line of " + bytes + " bytes fits no piece");
            if (pieceBytes + bytes > maxBytes) {
                pieces.add(piece.toString());
                piece.setLength(0);
                pieceBytes = 0;
            }
            piece.append(line);
            pieceBytes += bytes;
        }
        pieces.add(piece.toString());
        return List.copyOf(pieces);
    }

    private static void value(StringBuilder out, double v) {
        if (v == Double.POSITIVE_INFINITY) out.append("+Inf");
        else if (v == Double.NEGATIVE_INFINITY) out.append("-Inf");
        else if (v == Math.rint(v) && Math.abs(v) < 0x1p53) out.append((long) v);
        else out.append(v);
    }

    /** Backslash and newline are escaped in help text; in label values, the double quote too. */
    private static void escape(StringBuilder out, String s, boolean quote) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quote ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }
}

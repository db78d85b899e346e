package org.fdstore.cli;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.OpenFlags;
import org.fdstore.protocol.EntryInfo;

/**
 * Renders entries as the table {@code fdstore list} prints: a header row {@code ID NAME KIND FLAGS PID UID SAVED
 * TARGET}, then one row per entry, columns padded to their widest cell.
 *
 * <p>An unnamed entry shows {@code -}; a name shows as the viewer would type it: bare in the viewer's default
 * namespace, {@code namespace/name} in any other; SAVED is ISO-8601 UTC to the second; control characters in names and
 * targets show as {@code \n}, {@code \t} or {@code \xNN}, so that one entry is always one line.
 *
 * <p>Stateless and thread safe.
 */
final class EntryTable {
    private static final String[] HEADER = {"ID", "NAME", "KIND", "FLAGS", "PID", "UID", "SAVED", "TARGET"};
    private static final String GAP = "  ";

    private EntryTable() {}

    /** The table, each line ending with a newline; only the header when there are no entries. */
    static String format(List<EntryInfo> entries) {
        return format(entries, "");
    }

    /** The table for a viewer whose default namespace is {@code viewerNamespace}. */
    static String format(List<EntryInfo> entries, String viewerNamespace) {
        List<String[]> rows = new ArrayList<>(entries.size() + 1);
        rows.add(HEADER);
        for (EntryInfo e : entries) rows.add(row(e, viewerNamespace));
        return columns(rows);
    }

    /** Rows padded to their widest cell, separated by two spaces; the last column is not padded. */
    static String columns(List<String[]> rows) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(row[i]);
                if (i < row.length - 1) out.append(" ".repeat(widths[i] - row[i].length())).append(GAP);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String[] row(EntryInfo e, String viewerNamespace) {
        return new String[] {
            Long.toUnsignedString(e.id()),
            e.name().isEmpty() ? "-" : printable(e.nameAsSeenFrom(viewerNamespace)),
            e.kind().label(),
            OpenFlags.describe(e.openFlags()),
            Integer.toString(e.pid()),
            Integer.toUnsignedString(e.uid()),
            savedAt(e.savedAtMillis()),
            printable(e.target())
        };
    }

    /** ISO-8601 in UTC, to the second: {@code 2024-05-01T12:00:00Z}. */
    static String savedAt(long millis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code s} with control characters escaped, so that it cannot break a line or a column. */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != 0x7F) {
                if (b != null) b.append(c);
                continue;
            }
            if (b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(String.format("\\x%02x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }
}

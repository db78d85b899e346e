package org.fdstore.cli;

import java.util.List;
import org.fdstore.linux.OpenFlags;
import org.fdstore.protocol.EntryInfo;

/**
 * Renders entries as the JSON that {@code fdstore list --json} prints: an array with one compact object per line,
 * keys
 * {@code id, name, kind, flags, open_flags, pid, uid, gid, saved_at, target, metadata_bytes}.
 *
 * <p>{@code name} is null for an unnamed entry, and otherwise as the viewer would type it (bare in its default
 * namespace, {@code namespace/name} in any other); {@code kind} is the kind's label; {@code flags} is the open flags
 * as C spells them and {@code open_flags} their number; {@code saved_at} is ISO-8601 UTC to the second;
 * {@code metadata_bytes} is the size of the metadata. Unsigned wire fields print unsigned.
 *
 * <p>Stateless and thread safe.
 */
final class EntryJson {
    private EntryJson() {}

    /** The JSON array, ending with a newline: {@code []} when there are no entries. */
    static String format(List<EntryInfo> entries) {
        return format(entries, "");
    }

    /** The JSON array for a viewer whose default namespace is {@code viewerNamespace}. */
    static String format(List<EntryInfo> entries, String viewerNamespace) {
        if (entries.isEmpty()) return "[]\n";
        StringBuilder out = new StringBuilder("[\n");
        for (int i = 0; i < entries.size(); i++) {
            out.append("  ");
            object(entries.get(i), viewerNamespace, out);
            out.append(i < entries.size() - 1 ? ",\n" : "\n");
        }
        return out.append("]\n").toString();
    }

    private static void object(EntryInfo e, String viewerNamespace, StringBuilder out) {
        out.append("{\"id\":").append(Long.toUnsignedString(e.id()));
        out.append(",\"name\":");
        if (e.name().isEmpty()) out.append("null");
        else string(e.nameAsSeenFrom(viewerNamespace), out);
        out.append(",\"kind\":");
        string(e.kind().label(), out);
        out.append(",\"flags\":");
        string(OpenFlags.describe(e.openFlags()), out);
        out.append(",\"open_flags\":").append(Integer.toUnsignedString(e.openFlags()));
        out.append(",\"pid\":").append(e.pid());
        out.append(",\"uid\":").append(Integer.toUnsignedString(e.uid()));
        out.append(",\"gid\":").append(Integer.toUnsignedString(e.gid()));
        out.append(",\"saved_at\":");
        string(EntryTable.savedAt(e.savedAtMillis()), out);
        out.append(",\"target\":");
        string(e.target(), out);
        out.append(",\"metadata_bytes\":").append(e.metadata().length).append('}');
    }

    /**
     * Appends {@code s} as a JSON string (RFC 8259): quote, backslash and control characters escaped; also DEL,
     * U+2028 and U+2029 (which JavaScript source cannot hold raw) and unpaired surrogates (which UTF-8 cannot).
     */
    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029'
                            || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

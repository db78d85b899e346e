package org.fdstore.cli;

import java.util.Set;
import org.fdstore.protocol.DaemonStatus;

/**
 * Renders a STATUS as the JSON object that {@code fdstore status --json} prints, one line, keys in the daemon's
 * order: the counts and pids of protocol version 1 as numbers, {@code none} as null, anything else (times, words,
 * keys this client does not know) as strings.
 *
 * <p>Stateless and thread safe.
 */
final class StatusJson {
    /** Keys of version 1 whose values are decimal numbers, or {@code none}. */
    private static final Set<String> NUMBERS = Set.of(DaemonStatus.SERVING_PID, DaemonStatus.STANDBY_PID,
            DaemonStatus.ENTRIES, DaemonStatus.FDS, DaemonStatus.FD_LIMIT, DaemonStatus.CAPACITY,
            DaemonStatus.LAST_TRANSITION_PAUSE_MS);
    /** Keys of version 1 that may be {@code none}. */
    private static final Set<String> NULLABLE = Set.of(DaemonStatus.STANDBY_PID, DaemonStatus.LAST_TRANSITION_AT,
            DaemonStatus.LAST_TRANSITION_PAUSE_MS);

    private StatusJson() {}

    /** The object, ending with a newline. */
    static String format(DaemonStatus status) {
        StringBuilder out = new StringBuilder("{");
        for (DaemonStatus.Field f : status.fields()) {
            if (out.length() > 1) out.append(',');
            EntryJson.string(f.key(), out);
            out.append(':');
            if (NULLABLE.contains(f.key()) && f.value().equals(DaemonStatus.NONE)) out.append("null");
            else if (NUMBERS.contains(f.key())) out.append(f.value());
            else EntryJson.string(f.value(), out);
        }
        return out.append("}\n").toString();
    }
}

package org.fdstore.cli;

import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.FileKind;
import org.fdstore.linux.OpenFlags;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.InspectInfo;
import org.fdstore.protocol.Lifetime;

/**
 * Renders what {@code fdstore inspect} prints: a table with a header row {@code ID NAMESPACE NAME KIND UID PID AGE
 * LIFETIME MOUNT DEVICE INODE PINS}, or with {@code --json} an array with one object per line.
 *
 * <p>AGE is how long ago the entry was saved; LIFETIME is {@code until-removed}, or {@code ttl=REMAINING},
 * {@code owner=PID} while the owner lives, {@code grace=REMAINING} once it has exited, joined by commas and followed
 * by {@code hup} when a hang-up drops the entry, {@code keep} when it is kept; PINS says what the fd holds open: the
 * path of a file, a socket's type, address and peer, a pipe's end, a /dev/fuse connection.
 *
 * <p>Stateless and thread safe.
 */
final class InspectReport {
    private static final String[] HEADER = {"ID", "NAMESPACE", "NAME", "KIND", "UID", "PID", "AGE", "LIFETIME",
        "MOUNT", "DEVICE", "INODE", "PINS"};

    private InspectReport() {}

    /** The table at time {@code nowMillis}, each line ending with a newline. */
    static String table(List<InspectInfo> entries, long nowMillis) {
        List<String[]> rows = new ArrayList<>(entries.size() + 1);
        rows.add(HEADER);
        for (InspectInfo i : entries) {
            EntryInfo e = i.entry();
            rows.add(new String[] {
                Long.toUnsignedString(e.id()),
                e.namespace().isEmpty() ? "-" : EntryTable.printable(e.namespace()),
                e.name().isEmpty() ? "-" : EntryTable.printable(e.name()),
                e.kind().label(),
                Integer.toUnsignedString(e.uid()),
                Integer.toString(e.pid()),
                Durations.format(nowMillis - e.savedAtMillis()),
                lifetime(i, nowMillis),
                i.mountPoint().isEmpty() ? "-" : EntryTable.printable(i.mountPoint()),
                device(i.device()),
                Long.toUnsignedString(i.inode()),
                EntryTable.printable(pins(i))
            });
        }
        return EntryTable.columns(rows);
    }

    /** The JSON array at time {@code nowMillis}: {@code []} when there are no entries. */
    static String json(List<InspectInfo> entries, long nowMillis) {
        if (entries.isEmpty()) return "[]\n";
        StringBuilder out = new StringBuilder("[\n");
        for (int k = 0; k < entries.size(); k++) {
            InspectInfo i = entries.get(k);
            EntryInfo e = i.entry();
            Lifetime l = i.lifetime();
            out.append("  {\"id\":").append(Long.toUnsignedString(e.id()));
            out.append(",\"namespace\":");
            EntryJson.string(e.namespace(), out);
            out.append(",\"name\":");
            if (e.name().isEmpty()) out.append("null");
            else EntryJson.string(e.name(), out);
            out.append(",\"kind\":");
            EntryJson.string(e.kind().label(), out);
            out.append(",\"flags\":");
            EntryJson.string(OpenFlags.describe(e.openFlags()), out);
            out.append(",\"pid\":").append(e.pid());
            out.append(",\"uid\":").append(Integer.toUnsignedString(e.uid()));
            out.append(",\"gid\":").append(Integer.toUnsignedString(e.gid()));
            out.append(",\"saved_at\":");
            EntryJson.string(EntryTable.savedAt(e.savedAtMillis()), out);
            out.append(",\"age_ms\":").append(Math.max(0, nowMillis - e.savedAtMillis()));
            out.append(",\"target\":");
            EntryJson.string(e.target(), out);
            out.append(",\"metadata_bytes\":").append(e.metadata().length);
            out.append(",\"mount_id\":").append(Integer.toUnsignedString(i.mountId()));
            out.append(",\"mount_point\":");
            nullable(i.mountPoint(), out);
            out.append(",\"device\":");
            EntryJson.string(device(i.device()), out);
            out.append(",\"inode\":").append(Long.toUnsignedString(i.inode()));
            out.append(",\"socket\":");
            nullable(i.socket(), out);
            out.append(",\"peer\":");
            nullable(i.peer(), out);
            out.append(",\"pipe\":");
            nullable(pipeEnd(e), out);
            out.append(",\"fuse\":").append(e.kind() == FileKind.FUSE_CONNECTION);
            out.append(",\"lifetime\":{\"ttl_ms\":").append(Long.toUnsignedString(l.ttlMillis()));
            out.append(",\"expires_at\":");
            time(i.expiresAtMillis(), out);
            out.append(",\"owner_bound\":").append(l.ownerBound());
            out.append(",\"grace_ms\":").append(l.graceMillisUnsigned());
            out.append(",\"bound_pid\":").append(i.boundPid() == 0 ? "null" : Integer.toString(i.boundPid()));
            out.append(",\"owner_exited_at\":");
            time(i.ownerExitedAtMillis(), out);
            out.append(",\"release_at\":");
            time(i.releaseAtMillis(), out);
            out.append(",\"keep_on_hangup\":").append(l.keepOnHangup());
            out.append(",\"hangup_watched\":").append(i.hangupWatched()).append("}}");
            out.append(k < entries.size() - 1 ? ",\n" : "\n");
        }
        return out.append("]\n").toString();
    }

    /** The LIFETIME cell: e.g. {@code until-removed,hup} or {@code ttl=4m59s,grace=8s,keep}. */
    static String lifetime(InspectInfo i, long nowMillis) {
        List<String> parts = new ArrayList<>();
        if (i.expiresAtMillis() != 0) parts.add("ttl=" + Durations.format(i.expiresAtMillis() - nowMillis));
        if (i.lifetime().ownerBound()) {
            parts.add(i.ownerExitedAtMillis() == 0 ? "owner=" + i.boundPid()
                    : "grace=" + Durations.format(i.releaseAtMillis() - nowMillis));
        }
        if (parts.isEmpty()) parts.add("until-removed");
        if (i.lifetime().keepOnHangup()) parts.add("keep");
        else if (i.hangupWatched()) parts.add("hup");
        return String.join(",", parts);
    }

    /** What the fd holds open, in words. */
    static String pins(InspectInfo i) {
        EntryInfo e = i.entry();
        return switch (e.kind()) {
            case SOCKET -> {
                String socket = i.socket().isEmpty() ? e.target() : i.socket();
                yield i.peer().isEmpty() ? socket : socket + " peer " + i.peer();
            }
            case PIPE -> {
                String end = pipeEnd(e);
                yield end.isEmpty() ? e.target() : e.target() + " " + end + " end";
            }
            case FUSE_CONNECTION -> "/dev/fuse connection";
            default -> e.target();
        };
    }

    /** {@code read} or {@code write} for a pipe, by its access mode; "" otherwise. */
    static String pipeEnd(EntryInfo e) {
        if (e.kind() != FileKind.PIPE) return "";
        return switch (e.openFlags() & Fcntl.O_ACCMODE) {
            case Fcntl.O_RDONLY -> "read";
            case Fcntl.O_WRONLY -> "write";
            default -> "read-write";
        };
    }

    /** {@code 8:1}, as major:minor of a Linux dev_t. */
    static String device(long dev) {
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        return major + ":" + minor;
    }

    private static void nullable(String s, StringBuilder out) {
        if (s.isEmpty()) out.append("null");
        else EntryJson.string(s, out);
    }

    private static void time(long millis, StringBuilder out) {
        if (millis == 0) out.append("null");
        else EntryJson.string(EntryTable.savedAt(millis), out);
    }
}

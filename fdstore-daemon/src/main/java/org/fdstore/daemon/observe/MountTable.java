package org.fdstore.daemon.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's mounts, from {@code /proc/self/mountinfo}: mount id to mount point, as the daemon's mount namespace
 * sees them. Read once per INSPECT or DROP request, never cached across requests (mounts come and go).
 *
 * <p>Immutable after construction; thread safe.
 */
public final class MountTable {
    private final Map<Integer, String> mountPoints;

    private MountTable(Map<Integer, String> mountPoints) {
        this.mountPoints = mountPoints;
    }

    /** The daemon's mount table now; empty if it cannot be read. */
    public static MountTable read() {
        try {
            return parse(Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new MountTable(Map.of());
        }
    }

    /** Parses mountinfo text: {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS...}, octal escapes undone. */
    static MountTable parse(String mountinfo) {
        Map<Integer, String> points = new HashMap<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 5) continue;
            try {
                points.put(Integer.parseInt(f[0]), unescape(f[4]));
            } catch (NumberFormatException e) {
                // Not a mountinfo line.
            }
        }
        return new MountTable(Map.copyOf(points));
    }

    /** The mount point of mount {@code id}, or "" if unknown. */
    public String mountPoint(int id) {
        return mountPoints.getOrDefault(id, "");
    }

    /** Whether some mount has its mount point exactly at {@code path}. */
    public boolean isMountPoint(String path) {
        return mountPoints.containsValue(path);
    }

    /** The ids of the mounts at {@code path} and below it. */
    public Set<Integer> atOrBelow(String path) {
        String prefix = path.endsWith("/") ? path : path + "/";
        Set<Integer> ids = new HashSet<>();
        for (Map.Entry<Integer, String> e : mountPoints.entrySet()) {
            if (e.getValue().equals(path) || e.getValue().startsWith(prefix)) ids.add(e.getKey());
        }
        return ids;
    }

    /** The mount id of the daemon's descriptor {@code fdNumber}, from /proc/self/fdinfo; -1 if unreadable. */
    public static int mountIdOf(int fdNumber) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fdNumber), StandardCharsets.UTF_8)) {
                if (line.startsWith("mnt_id:")) return Integer.parseInt(line.substring(7).trim());
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** mountinfo writes space, tab, newline and backslash as {@code \040}, {@code \011}, {@code \012}, {@code \134}. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        StringBuilder b = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) return false;
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') return false;
        }
        return true;
    }
}

package org.fdstore.daemon.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;

/**
 * The policy file named by {@code fdstore daemon --policy FILE}: loads it, and tells when it has changed since (its
 * modification time, size or inode), so that the daemon can reload it from its tick; SIGHUP reloads it regardless.
 *
 * <p>Not thread safe: the event loop owns it.
 */
public final class PolicyFile {
    private final Path path;
    private final int adminGroup;
    private final Quota.Defaults quotaDefaults;
    /** What the file looked like when it was last read, successfully or not; null before the first read. */
    private Stamp loaded;
    /** The lines of the policy in force (the last that parsed), null before the first good load. */
    private List<String> lines;

    private record Stamp(FileTime modified, long size, Object key) {}

    /**
     * The file at {@code path}; nothing is read yet.
     *
     * @param adminGroup the daemon's {@code --admin-group}, or -1
     */
    public PolicyFile(Path path, int adminGroup, Quota.Defaults quotaDefaults) {
        this.path = Objects.requireNonNull(path, "path");
        this.adminGroup = adminGroup;
        this.quotaDefaults = quotaDefaults;
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /**
     * Reads and parses the file now.
     *
     * @throws PolicyException if it cannot be read (line 0) or a line is wrong
     */
    public Policy load() throws PolicyException {
        Stamp before = stamp();
        loaded = before;
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PolicyException(path.toString(), 0, "no such file");
        } catch (IOException e) {
            throw new PolicyException(path.toString(), 0, "cannot be read: " + e.getMessage());
        }
        Policy policy = PolicyParser.parse(path.toString(), lines, adminGroup, quotaDefaults);
        this.lines = List.copyOf(lines);
        return policy;
    }

    /**
     * Parses the lines another daemon had loaded from this file, as if read from it now: a successor enforces the
     * policy its predecessor enforced even if the file has changed or broken since. A later change of the file is
     * loaded as usual.
     *
     * @throws PolicyException if a line is wrong
     */
    public Policy adopt(List<String> lines) throws PolicyException {
        loaded = stamp();
        Policy policy = PolicyParser.parse(path.toString(), lines, adminGroup, quotaDefaults);
        this.lines = List.copyOf(lines);
        return policy;
    }

    /** The lines of the policy in force, or null if none loaded yet. */
    public List<String> lines() {
        return lines;
    }

    /** Whether the file differs from when it was last read (also true if it appeared or vanished). */
    public boolean changed() {
        return !Objects.equals(stamp(), loaded);
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) a = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (IOException e) {
            return null;
        }
    }
}

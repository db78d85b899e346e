package org.fdstore.linux;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Readers of {@code /proc} and the {@code /proc/self/fd/N} path of an fd, which path-only calls need when the fd is
 * an O_PATH one.
 *
 * <p>Thread safe. The caller keeps ownership of every {@code Fd} passed in.
 */
public final class Proc {
    private static final String GROUPS = "Groups:";
    private static final String UID = "Uid:";

    private Proc() {}

    /**
     * A call that takes the path {@code /proc/self/fd/N} (as bytes) of an fd held open for its duration.
     *
     * @param <T> what the call returns
     */
    @FunctionalInterface
    public interface FdPathCall<T> {
        /** Runs the call on {@code path}, e.g. {@code Unistd.truncate(path, 0)}. */
        T apply(byte[] path) throws LinuxException;
    }

    /**
     * Runs {@code call} on {@code /proc/self/fd/N}, N being {@code fd}'s number, holding {@code fd} open meanwhile
     * so the number cannot be closed and reused by another file during the call (using {@link Fd#number()} by hand
     * would race with close). Path calls on this magic link reach the inode behind the fd, which is how
     * passthrough_hp truncates, chmods, links and reads extended attributes of O_PATH inode fds.
     *
     * @throws LinuxException EBADF if {@code fd} is closed, or whatever {@code call} throws
     */
    public static <T> T withFdPath(Fd fd, FdPathCall<T> call) throws LinuxException {
        int n = fd.acquire();
        try {
            return call.apply(("/proc/self/fd/" + n).getBytes(StandardCharsets.US_ASCII));
        } finally {
            fd.release();
        }
    }

    /**
     * The supplementary group ids of process or thread {@code pid}, from the "Groups:" line of
     * {@code /proc/PID/status}. A FUSE request's pid is the requesting thread's id, and {@code /proc/TID/status}
     * gives that thread's groups even when TID is not the thread group leader.
     *
     * @throws LinuxException ESRCH if there is no such process (any more)
     * @throws IOException    if the file cannot be read or has no Groups line
     */
    public static int[] supplementaryGroups(int pid) throws IOException {
        Path status = Path.of("/proc", Integer.toString(pid), "status");
        try {
            return groupsOf(Files.readAllLines(status, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new LinuxException(status.toString(), Errno.ESRCH, "no such process");
        }
    }

    /** The supplementary groups of the calling thread, from {@code /proc/thread-self/status}. */
    public static int[] threadSupplementaryGroups() throws IOException {
        return groupsOf(Files.readAllLines(Path.of("/proc/thread-self/status"), StandardCharsets.US_ASCII));
    }

    /**
     * The real user id of this process, as getuid(2) returns it, read from the "Uid:" line of
     * {@code /proc/self/status}. For a short command, getuid would be a C signature of its own to link, which costs
     * a starting JVM milliseconds (docs/benchmarks.md, Start-up); reading the file costs a fraction of one.
     *
     * @throws IOException if the file cannot be read or has no Uid line
     */
    public static int realUid() throws IOException {
        // A FileInputStream, which every JVM has loaded at start, rather than Files, which would load dozens of
        // classes. ISO-8859-1 decodes any byte: the Name line holds whatever name the process gave itself.
        try (FileInputStream in = new FileInputStream("/proc/self/status")) {
            return uidOf(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * The effective user id of process {@code pid}, from the "Uid:" line of {@code /proc/PID/status}: the uid its
     * file and ptrace accesses are checked against, and the one SO_PEERCRED reports of a socket it listens on.
     *
     * @throws LinuxException ESRCH if there is no such process (any more)
     * @throws IOException    if the file cannot be read or has no Uid line
     */
    public static int effectiveUid(int pid) throws IOException {
        Path status = Path.of("/proc", Integer.toString(pid), "status");
        try {
            return uidOf(Files.readString(status, StandardCharsets.ISO_8859_1), 1);
        } catch (NoSuchFileException e) {
            throw new LinuxException(status.toString(), Errno.ESRCH, "no such process");
        }
    }

    /** The real uid in a status file: its line {@code Uid:<TAB>real<TAB>effective<TAB>saved<TAB>filesystem}. */
    static int uidOf(String status) throws IOException {
        return uidOf(status, 0);
    }

    /** Field {@code field} (0 real, 1 effective, 2 saved, 3 filesystem) of a status file's Uid line. */
    private static int uidOf(String status, int field) throws IOException {
        for (String line : status.split("\n")) {
            if (line.startsWith(UID)) {
                return Integer.parseUnsignedInt(line.substring(UID.length()).strip().split("\t")[field]);
            }
        }
        throw new IOException("no Uid: line in /proc status");
    }

    static int[] groupsOf(List<String> statusLines) throws IOException {
        for (String line : statusLines) {
            if (line.startsWith(GROUPS)) {
                String list = line.substring(GROUPS.length()).trim();
                if (list.isEmpty()) return new int[0];
                return Arrays.stream(list.split("\\s+")).mapToInt(g -> Integer.parseUnsignedInt(g)).toArray();
            }
        }
        throw new IOException("no Groups: line in /proc status");
    }
}

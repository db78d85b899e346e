package org.fdstore.daemon.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Pidfd;

/**
 * Who a connected peer is, as the daemon established it at accept time: the kernel's SO_PEERCRED, plus the
 * supplementary groups, cgroup and user namespace read from {@code /proc/PID}. Nothing the client says counts.
 *
 * <p>A pid can be reused once its process is reaped, so {@code /proc/PID} may describe a stranger. {@link #read}
 * therefore holds a pidfd of the very process that connected (SO_PEERPIDFD) while it reads, and trusts what it read
 * only if that process is still unreaped afterwards; otherwise the identity keeps SO_PEERCRED alone
 * ({@link #verified()} false: no supplementary groups, no cgroup, no user namespace). This happens to a client that
 * sent its requests and exited before the daemon accepted it: its uid and gid still count, its other groups not.
 *
 * <p>Immutable and thread safe.
 *
 * @param pid the peer's pid at connect time, in the daemon's pid namespace (0 if it has none there)
 * @param uid the peer's effective uid at connect time
 * @param gid the peer's effective gid at connect time
 * @param groups supplementary groups, sorted; empty when unverified
 * @param cgroup the cgroup v2 path ({@code 0::} line of /proc/PID/cgroup), else the systemd hierarchy's;
 *     {@code ""} when unknown
 * @param userNamespace the inode of the peer's user namespace ({@code /proc/PID/ns/user}); 0 when unknown
 * @param verified whether the /proc fields are known to belong to the peer
 */
public record PeerIdentity(int pid, int uid, int gid, int[] groups, String cgroup, long userNamespace,
        boolean verified) {

    /**
     * Copies and sorts the groups.
     *
     * @throws NullPointerException if {@code groups} or {@code cgroup} is null
     */
    public PeerIdentity {
        groups = groups.clone();
        Arrays.sort(groups);
        Objects.requireNonNull(cgroup, "cgroup");
    }

    /** An identity with SO_PEERCRED only. */
    public static PeerIdentity of(PeerCredentials credentials) {
        return new PeerIdentity(credentials.pid(), credentials.uid(), credentials.gid(), new int[0], "", 0, false);
    }

    /**
     * Reads the identity of the peer of {@code socket}, whose SO_PEERCRED is {@code credentials}. Never fails: what
     * cannot be established is left out.
     */
    public static PeerIdentity read(PeerCredentials credentials, Fd socket) {
        if (credentials.pid() <= 0) return of(credentials);
        Pidfd pidfd = peerPidfd(credentials.pid(), socket);
        if (pidfd == null) return of(credentials);
        try (pidfd) {
            Path proc = Path.of("/proc", Integer.toString(credentials.pid()));
            int[] groups = groups(proc);
            String cgroup = cgroup(proc);
            long userNamespace = userNamespace(proc);
            if (groups == null || !pidfd.isAlive()) return of(credentials);
            return new PeerIdentity(credentials.pid(), credentials.uid(), credentials.gid(), groups, cgroup,
                    userNamespace, true);
        } catch (LinuxException e) {
            return of(credentials);
        }
    }

    /**
     * The identity of the sender of a datagram whose SCM_CREDENTIALS are {@code credentials} (the notify socket).
     * A datagram has no connection to take a pidfd from, and its sender may have exited (and its pid been reused)
     * before it is read. So the /proc fields count only if a pidfd of the pid can be opened, the process there
     * holds the credentials' uid and gid (as real, effective or saved ids), and it is still unreaped after the
     * read; otherwise the identity keeps the kernel-checked uid and gid alone ({@link #verified()} false). Never
     * fails.
     */
    public static PeerIdentity readSender(PeerCredentials credentials) {
        if (credentials.pid() <= 0) return of(credentials);
        try (Pidfd pidfd = Pidfd.open(credentials.pid())) {
            Path proc = Path.of("/proc", Integer.toString(credentials.pid()));
            if (!holdsIds(proc, credentials)) return of(credentials);
            int[] groups = groups(proc);
            String cgroup = cgroup(proc);
            long userNamespace = userNamespace(proc);
            if (groups == null || !pidfd.isAlive()) return of(credentials);
            return new PeerIdentity(credentials.pid(), credentials.uid(), credentials.gid(), groups, cgroup,
                    userNamespace, true);
        } catch (LinuxException e) {
            return of(credentials);
        }
    }

    /** Whether the {@code Uid:} and {@code Gid:} lines of /proc/PID/status list the credentials' ids. */
    static boolean holdsIds(Path proc, PeerCredentials credentials) {
        try {
            boolean uid = false;
            boolean gid = false;
            for (String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) uid = lists(line, credentials.uid());
                if (line.startsWith("Gid:")) gid = lists(line, credentials.gid());
            }
            return uid && gid;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the real, effective or saved id on a {@code Uid:}/{@code Gid:} line is {@code id}. */
    private static boolean lists(String line, int id) {
        String[] words = line.substring(4).trim().split("\\s+");
        for (int i = 0; i < Math.min(3, words.length); i++) {
            if (Integer.parseUnsignedInt(words[i]) == id) return true;
        }
        return false;
    }

    /** SO_PEERPIDFD, or on kernels before 6.5 pidfd_open of the pid (which leaves a small reuse window). */
    private static Pidfd peerPidfd(int pid, Fd socket) {
        try {
            return Pidfd.ofPeer(socket, pid);
        } catch (LinuxException e) {
            if (e.errno() != Errno.ENOPROTOOPT) return null;
        }
        try {
            return Pidfd.open(pid);
        } catch (LinuxException e) {
            return null;
        }
    }

    /** Whether the peer's primary or a supplementary group is {@code group}. */
    public boolean inGroup(int group) {
        return gid == group || Arrays.binarySearch(groups, group) >= 0;
    }

    /** A copy of the supplementary groups. */
    @Override
    public int[] groups() {
        return groups.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerIdentity p && pid == p.pid && uid == p.uid && gid == p.gid
                && Arrays.equals(groups, p.groups) && cgroup.equals(p.cgroup) && userNamespace == p.userNamespace
                && verified == p.verified;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pid, uid, gid, cgroup, userNamespace, verified) * 31 + Arrays.hashCode(groups);
    }

    @Override
    public String toString() {
        return "PeerIdentity[pid=" + pid + ", uid=" + Integer.toUnsignedString(uid) + ", gid="
                + Integer.toUnsignedString(gid) + ", groups=" + Arrays.toString(groups) + ", cgroup=" + cgroup
                + ", userns=" + userNamespace + ", verified=" + verified + "]";
    }

    /** The {@code Groups:} line of /proc/PID/status, or null if it cannot be read. */
    static int[] groups(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.UTF_8)) {
                if (!line.startsWith("Groups:")) continue;
                String list = line.substring("Groups:".length()).trim();
                if (list.isEmpty()) return new int[0];
                String[] words = list.split("\\s+");
                int[] groups = new int[words.length];
                for (int i = 0; i < words.length; i++) groups[i] = Integer.parseUnsignedInt(words[i]);
                return groups;
            }
            return new int[0];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The cgroup v2 path, else the name=systemd one; "" if neither can be read. */
    static String cgroup(Path proc) {
        try {
            String fallback = "";
            for (String line : Files.readAllLines(proc.resolve("cgroup"), StandardCharsets.UTF_8)) {
                if (line.startsWith("0::")) return line.substring(3);
                int name = line.indexOf(":name=systemd:");
                if (name >= 0) fallback = line.substring(name + ":name=systemd:".length());
            }
            return fallback;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The inode in {@code user:[4026531837]}; 0 if unreadable (a non-root daemon cannot read others' links). */
    static long userNamespace(Path proc) {
        try {
            String link = Files.readSymbolicLink(proc.resolve("ns/user")).toString();
            int open = link.indexOf('[');
            int close = link.indexOf(']');
            if (open < 0 || close < open) return 0;
            return Long.parseLong(link.substring(open + 1, close));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}

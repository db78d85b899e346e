package org.fdstore.client;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Stat;
import org.fdstore.protocol.SocketPath;

/**
 * The uids a daemon may run as for this client to talk to it: root, this process's real uid, and one more uid the
 * caller names ({@code --daemon-uid}, {@code $FDSTORE_DAEMON_UID}, {@link FdStore#connect(String, int)}).
 *
 * <p>Why: a store of fds is a store of capabilities. Whoever listens on the socket path gets every fd a client saves,
 * and hands back whatever fd it likes to a restore; a socket path in a directory another user could create first
 * (a {@code /tmp} fallback, a shared directory) can be squatted. The kernel's SO_PEERCRED on the connected socket
 * names the uid of the process that listens, which it cannot forge; ssh-agent and D-Bus check their peers the same
 * way. Root may always serve: root could read any fd anyway.
 *
 * <p>Immutable and thread safe.
 *
 * @param own this process's real uid
 * @param named the further uid the caller trusts, or -1 for none
 */
public record TrustedUids(int own, int named) {
    /** The environment variable that names a further uid the daemon may run as. */
    public static final String ENVIRONMENT = "FDSTORE_DAEMON_UID";
    /** No further uid named. */
    public static final int NONE = -1;

    /**
     * The uids trusted by this process: root, its real uid, and {@code named} if not {@link #NONE}, else the uid in
     * {@code $FDSTORE_DAEMON_UID} if set.
     *
     * @throws FdStoreException EINVAL if {@code $FDSTORE_DAEMON_UID} is set but holds no uid
     */
    public static TrustedUids forThisProcess(int named) throws FdStoreException {
        return of(SocketPath.realUid(), named, System.getenv());
    }

    /** {@link #forThisProcess} with the uid and environment given; for tests. */
    static TrustedUids of(int own, int named, Map<String, String> environment) throws FdStoreException {
        if (named != NONE) return new TrustedUids(own, named);
        String fromEnvironment = environment.get(ENVIRONMENT);
        if (fromEnvironment == null || fromEnvironment.isEmpty()) return new TrustedUids(own, NONE);
        return new TrustedUids(own, parse(fromEnvironment));
    }

    private static int parse(String text) throws FdStoreException {
        try {
            int uid = Integer.parseUnsignedInt(text.strip());
            if (uid != NONE) return uid;
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new FdStoreException(Errno.EINVAL, "$" + ENVIRONMENT + " is \"" + text + "\", which is no uid: give"
                + " the number of the user the daemon runs as, or unset it");
    }

    /** Whether a daemon running as {@code uid} is trusted. */
    public boolean accepts(int uid) {
        return uid == 0 || uid == own || (named != NONE && uid == named);
    }

    /** The trusted uids as a message lists them: {@code 0 or 1000}, {@code 0, 1000 or 1001}. */
    public String expected() {
        List<String> uids = IntStream.of(0, own, named).filter(uid -> uid != NONE).distinct()
                .mapToObj(Integer::toUnsignedString).toList();
        if (uids.size() == 1) return uids.getFirst();
        return String.join(", ", uids.subList(0, uids.size() - 1)) + " or " + uids.getLast();
    }

    /**
     * Checks the credentials of the process listening on {@code socket}, e.g. {@code daemon at
     * /tmp/fdstore-1000/fdstore.sock runs as uid 1001, expected 0 or 1000: ...}.
     *
     * @throws FdStoreException EPERM if its uid is not trusted
     */
    void check(String socket, PeerCredentials daemon) throws FdStoreException {
        if (!accepts(daemon.uid())) throw untrusted("daemon at " + socket, "runs as", daemon.uid());
        checkPrivateDirectory(socket);
    }

    /**
     * When {@code socket} is in this user's private fallback directory ({@link SocketPath#privateDirectory}), which
     * anyone could have created first in /tmp, checks that it is one: a directory, not a symbolic link, owned by a
     * trusted uid, writable by no one else. A daemon of ours in a directory another user controls could be replaced
     * by theirs between two connects.
     *
     * @throws FdStoreException EPERM naming the directory and what is wrong with it
     */
    private void checkPrivateDirectory(String socket) throws FdStoreException {
        String directory = SocketPath.privateDirectory(own);
        if (!socket.startsWith(directory + "/") || socket.indexOf('/', directory.length() + 1) >= 0) return;
        FileStat lstat;
        try {
            lstat = Stat.fstatat(null, directory, Fcntl.AT_SYMLINK_NOFOLLOW);
        } catch (LinuxException e) {
            throw new FdStoreException(e.errno(), "cannot check the socket directory " + directory + ": "
                    + e.getMessage(), e);
        }
        String why = SocketPath.whyNotPrivate(lstat, this::accepts);
        if (why == null) return;
        throw new FdStoreException(Errno.EPERM, "socket directory " + directory + " of " + socket + " " + why
                + ", expected a directory of uid " + expected() + " that no one else may write (EPERM): another"
                + " user may have made it to squat your socket; nothing was sent. Remove it, or set XDG_RUNTIME_DIR"
                + " or --socket");
    }

    /**
     * The refusal of {@code what} (e.g. {@code daemon at PATH}) whose owner is {@code uid}: EPERM, naming the uid
     * found, the uids expected and what to do.
     */
    public FdStoreException untrusted(String what, String verb, int uid) {
        String found = Integer.toUnsignedString(uid);
        return new FdStoreException(Errno.EPERM, what + " " + verb + " uid " + found + ", expected " + expected()
                + " (EPERM): another user may have taken its path; nothing was sent. Start your own daemon, or if"
                + " uid " + found + " is yours to trust, name it with --daemon-uid " + found + " or " + ENVIRONMENT
                + "=" + found);
    }
}

package org.fdstore.protocol;

import java.io.IOException;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.Proc;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;

/**
 * Where the daemon's socket is: the explicit path, else {@code $FDSTORE_SOCKET}, else
 * {@code /run/fdstore/fdstore.sock} for root and {@code $XDG_RUNTIME_DIR/fdstore.sock} for other users
 * ({@code /tmp/fdstore-UID/fdstore.sock} when XDG_RUNTIME_DIR is unset). Daemon and clients resolve it alike.
 *
 * <p>The fallback directory {@code /tmp/fdstore-UID} is private, as tmux's {@code /tmp/tmux-UID} and ssh-agent's
 * {@code /tmp/ssh-XXXX} are: its owner's daemon creates it 0700, and daemon and clients refuse it when it is not
 * a directory of that uid closed to others ({@link #whyNotPrivate}), since anyone can create a name in /tmp first.
 * It stays in /tmp rather than under $HOME, which may be on NFS, shared between hosts, or absent for a service
 * user; the price is that another user who creates it first keeps that user's daemon from starting there (it
 * says so, and XDG_RUNTIME_DIR or --socket avoid it), never that a client talks to that user's daemon.
 *
 * <p>Thread safe.
 */
public final class SocketPath {
    /** The environment variable that names the socket. */
    public static final String ENVIRONMENT = "FDSTORE_SOCKET";
    /** The system daemon's socket, used by root. */
    public static final String SYSTEM = "/run/fdstore/fdstore.sock";

    private SocketPath() {}

    /** Resolves with this process's environment and uid; {@code explicit} may be null. */
    public static String resolve(String explicit) {
        return resolve(explicit, System.getenv(), SocketPath::realUid);
    }

    /** Resolves with the given environment and uid, which is asked for only if neither names the socket. */
    public static String resolve(String explicit, Map<String, String> environment, IntSupplier uidSource) {
        if (explicit != null && !explicit.isEmpty()) return explicit;
        String fromEnvironment = environment.get(ENVIRONMENT);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) return fromEnvironment;
        int uid = uidSource.getAsInt();
        if (uid == 0) return SYSTEM;
        String runtime = environment.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty()) return runtime + "/fdstore.sock";
        return privateDirectory(uid) + "/fdstore.sock";
    }

    /** The private directory of {@code uid}'s socket when XDG_RUNTIME_DIR is unset: {@code /tmp/fdstore-UID}. */
    public static String privateDirectory(int uid) {
        return "/tmp/fdstore-" + Integer.toUnsignedString(uid);
    }

    /**
     * Why a directory, as lstat(2) describes it, is not private to the uids {@code mayOwn} accepts: it is a symbolic
     * link, no directory, owned by another uid, or writable by its group or others, any of which lets another user
     * put a socket of their own at the path. Null when it is private.
     */
    public static String whyNotPrivate(FileStat lstat, IntPredicate mayOwn) {
        if (lstat.type() == Stat.S_IFLNK) return "is a symbolic link";
        if (lstat.type() != Stat.S_IFDIR) return "is not a directory";
        if (!mayOwn.test(lstat.uid())) return "is owned by uid " + Integer.toUnsignedString(lstat.uid());
        if ((lstat.permissions() & 0022) != 0) {
            return "is writable by its group or others (mode " + Integer.toOctalString(lstat.permissions()) + ")";
        }
        return null;
    }

    /**
     * Why a directory, as stat(2) describes it, lets a uid that {@code mayOwn} does not accept replace a socket in it:
     * it is owned by such a uid, or writable by its group or others without the sticky bit (which, as on /tmp, keeps
     * each file to its owner). Null when only accepted uids can.
     */
    public static String whyOthersMayReplace(FileStat dir, IntPredicate mayOwn) {
        if (!mayOwn.test(dir.uid())) return "is owned by uid " + Integer.toUnsignedString(dir.uid());
        if ((dir.permissions() & 0022) != 0 && (dir.permissions() & 01000) == 0) {
            return "is writable by its group or others (mode " + Integer.toOctalString(dir.permissions())
                    + ") and not sticky";
        }
        return null;
    }

    /**
     * This process's real uid, from /proc (see {@link Proc#realUid}: a command spares linking getuid), or from
     * getuid(2) where /proc cannot tell.
     */
    public static int realUid() {
        try {
            return Proc.realUid();
        } catch (IOException e) {
            return Unistd.getuid();
        }
    }
}

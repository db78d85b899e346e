package org.fdstore.protocol;

import java.io.IOException;
import java.util.Map;
import java.util.function.IntSupplier;
import org.fdstore.linux.Proc;
import org.fdstore.linux.Unistd;

/**
 * Where the daemon's socket is: the explicit path, else {@code $FDSTORE_SOCKET}, else
 * {@code /run/fdstore/fdstore.sock} for root and {@code $XDG_RUNTIME_DIR/fdstore.sock} for other users
 * ({@code /tmp/fdstore-UID/fdstore.sock} when XDG_RUNTIME_DIR is unset). Daemon and clients resolve it alike.
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
        return "/tmp/fdstore-" + uid + "/fdstore.sock";
    }

    /**
     * This process's real uid, from /proc (see {@link Proc#realUid}: a command spares linking getuid), or from
     * getuid(2) where /proc cannot tell.
     */
    private static int realUid() {
        try {
            return Proc.realUid();
        } catch (IOException e) {
            return Unistd.getuid();
        }
    }
}

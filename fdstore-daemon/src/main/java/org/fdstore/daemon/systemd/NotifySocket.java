package org.fdstore.daemon.systemd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;

/**
 * The daemon's sd_notify socket: AF_UNIX SOCK_DGRAM, non-blocking, with SO_PASSCRED so that every datagram carries
 * its sender's credentials. Bound to a path (mode 0666: the policy decides per datagram), to {@code @name} in the
 * abstract namespace, or inherited through socket activation. Closing it unlinks a path it bound, if the path is
 * still its own.
 *
 * <p>Not thread safe.
 */
public final class NotifySocket implements AutoCloseable {
    private final Fd fd;
    private final String name;
    /** The bound path's file key, to unlink only our own socket; null for abstract and inherited sockets. */
    private final Object fileKey;

    private NotifySocket(Fd fd, String name, Object fileKey) {
        this.fd = fd;
        this.name = name;
        this.fileKey = fileKey;
    }

    /**
     * Binds {@code address}: a path (a stale socket file there is replaced) or {@code @name}.
     *
     * @throws LinuxException EADDRINUSE if something else is bound there
     */
    public static NotifySocket bind(String address) throws IOException {
        Fd fd = Socket.socket(Socket.AF_UNIX, Socket.SOCK_DGRAM | Socket.SOCK_NONBLOCK, 0);
        try {
            Socket.setPassCredentials(fd);
            if (address.startsWith("@")) {
                Socket.bind(fd, address);
                return new NotifySocket(fd, address, null);
            }
            Path path = Path.of(address);
            removeIfStale(path);
            Socket.bind(fd, address);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
            return new NotifySocket(fd, address, Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * Binds {@code address} even though a live socket is there: for a successor taking over from a daemon that is
     * about to stop. A path is unlinked and bound anew (new senders reach this socket from then on); an abstract
     * name stays taken until the predecessor closes it, and fails with EADDRINUSE.
     */
    public static NotifySocket bindReplacing(String address) throws IOException {
        if (!address.startsWith("@")) Files.deleteIfExists(Path.of(address));
        return bind(address);
    }

    /** Adopts an inherited, bound SOCK_DGRAM socket (made non-blocking, close-on-exec, SO_PASSCRED by the caller). */
    public static NotifySocket inherited(Fd fd, String description) throws LinuxException {
        Socket.setPassCredentials(fd);
        return new NotifySocket(fd, description, null);
    }

    /** A datagram socket file nobody receives on is stale; a live one is never taken over. */
    private static void removeIfStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        try (Fd probe = Socket.socket(Socket.AF_UNIX, Socket.SOCK_DGRAM, 0)) {
            Socket.connect(probe, path.toString());
            throw new LinuxException("bind(\"" + path + "\")", Errno.EADDRINUSE,
                    "a process already receives on this notify socket; stop it or choose another --notify-socket");
        } catch (LinuxException e) {
            if (e.errno() != Errno.ECONNREFUSED) throw e;
            Files.delete(path);
        }
    }

    /** The socket, owned by this object. */
    public Fd fd() {
        return fd;
    }

    /** Its address ({@code /path} or {@code @name}) or how it was inherited, for logs and status. */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        fd.close();
        if (fileKey == null) return;
        try {
            Path path = Path.of(name);
            Object now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            if (fileKey.equals(now)) Files.delete(path);
        } catch (IOException ignored) {
            // Already removed, or replaced by another process's socket: leave it.
        }
    }
}

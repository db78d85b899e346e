package org.fdstore.daemon.systemd;

import java.io.IOException;
import java.nio.file.Path;
import org.fdstore.daemon.SocketDirectory;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileStat;
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
    /** The bound path's directory, held open; null for abstract and inherited sockets. */
    private final SocketDirectory directory;
    /** The bound socket file's lstat, to unlink only our own; null for abstract and inherited sockets. */
    private final FileStat bound;

    private NotifySocket(Fd fd, String name, SocketDirectory directory, FileStat bound) {
        this.fd = fd;
        this.name = name;
        this.directory = directory;
        this.bound = bound;
    }

    /**
     * Binds {@code address}: a path (a stale socket file there is replaced) or {@code @name}. A path's directory is
     * checked and reached as the store socket's is ({@link SocketDirectory}).
     *
     * @throws LinuxException EADDRINUSE if something else is bound there; EPERM for a directory others may write
     */
    public static NotifySocket bind(String address) throws IOException {
        return bind(address, false);
    }

    /**
     * Binds {@code address} even though a live socket is there: for a successor taking over from a daemon that is
     * about to stop. A path is unlinked and bound anew (new senders reach this socket from then on); an abstract
     * name stays taken until the predecessor closes it, and fails with EADDRINUSE.
     */
    public static NotifySocket bindReplacing(String address) throws IOException {
        return bind(address, true);
    }

    private static NotifySocket bind(String address, boolean replacing) throws IOException {
        Fd fd = Socket.socket(Socket.AF_UNIX, Socket.SOCK_DGRAM | Socket.SOCK_NONBLOCK, 0);
        SocketDirectory directory = null;
        try {
            Socket.setPassCredentials(fd);
            if (address.startsWith("@")) {
                Socket.bind(fd, address);
                return new NotifySocket(fd, address, null, null);
            }
            Path path = Path.of(address);
            String file = path.getFileName().toString();
            directory = SocketDirectory.open(path);
            if (replacing) {
                FileStat there = directory.lstat(file);
                if (there != null) directory.unlinkIfSame(file, there);
            } else {
                directory.removeStaleSocket(file, Socket.SOCK_DGRAM, "stop it or choose another --notify-socket");
            }
            Socket.bind(fd, directory.pathOf(file));
            return new NotifySocket(fd, address, directory, directory.chmodSocket(file, 0666));
        } catch (IOException | RuntimeException e) {
            fd.close();
            if (directory != null) directory.close();
            throw e;
        }
    }

    /**
     * Adopts an inherited, bound SOCK_DGRAM socket (non-blocking and close-on-exec already), setting SO_PASSCRED.
     * Its name is the address it is bound to (getsockname), else {@code fd N (inherited)}.
     */
    public static NotifySocket inherited(Fd fd) throws LinuxException {
        Socket.setPassCredentials(fd);
        String address = Socket.localAddress(fd);
        return new NotifySocket(fd, address.isEmpty() ? "fd " + fd.number() + " (inherited)" : address, null, null);
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
        if (directory == null) return;
        directory.unlinkIfSame(Path.of(name).getFileName().toString(), bound);
        directory.close();
    }
}

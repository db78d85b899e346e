package org.fdstore.daemon;

import java.io.IOException;
import java.nio.file.Path;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.Socket;

/**
 * The daemon's listening SOCK_SEQPACKET socket, bound to a path: a stale socket left by a dead daemon is replaced,
 * a live one is never stolen; or inherited from a service manager (socket activation). Closing it unlinks a path it
 * bound if the path is still this socket's.
 *
 * <p>Every name it probes, binds, changes or removes is reached from its {@link SocketDirectory}'s descriptor, with
 * no symbolic link followed at the name: another user who could swap a directory on the path, or put a link where
 * the socket was, never makes the daemon remove, chmod or bind something elsewhere.
 *
 * <p>Not thread safe.
 */
public final class ListeningSocket implements AutoCloseable {
    private static final int BACKLOG = 512;

    private final Fd fd;
    private final Path path;
    /** The socket's directory, held open; null for an inherited socket. */
    private final SocketDirectory directory;
    /** The bound socket file's lstat, to unlink only our own; null if unknown. */
    private final FileStat bound;

    private ListeningSocket(Fd fd, Path path, SocketDirectory directory, FileStat bound) {
        this.fd = fd;
        this.path = path;
        this.directory = directory;
        this.bound = bound;
    }

    /**
     * Binds and listens on {@code path} in {@code directory} (which this object owns from then on, even on failure).
     * The socket is non-blocking and connectable by every uid that may enter the directory (mode 0666); the daemon
     * decides per request what each peer may do.
     *
     * @throws LinuxException EADDRINUSE if a daemon already serves {@code path}, EEXIST if something other than a
     *     socket is there
     */
    public static ListeningSocket bind(SocketDirectory directory, Path path) throws IOException {
        String name = path.getFileName().toString();
        Fd fd = null;
        try {
            directory.removeStaleSocket(name, Socket.SOCK_SEQPACKET, "a standby about to serve? stop it or choose"
                    + " another --socket");
            fd = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET | Socket.SOCK_NONBLOCK, 0);
            Socket.bind(fd, directory.pathOf(name));
            FileStat bound = directory.chmodSocket(name, 0666);
            Socket.listen(fd, BACKLOG);
            return new ListeningSocket(fd, path, directory, bound);
        } catch (IOException | RuntimeException e) {
            if (fd != null) fd.close();
            directory.close();
            throw e;
        }
    }

    /** Adopts an inherited listening socket (non-blocking already); closing it closes it and unlinks nothing. */
    public static ListeningSocket inherited(Fd fd) {
        return new ListeningSocket(fd, null, null, null);
    }

    /**
     * The listening socket a predecessor served on {@code path}, received with SCM_RIGHTS; takes ownership of
     * {@code fd}. It is made non-blocking (the predecessor's flag is shared with it, and it stops serving).
     */
    public static ListeningSocket adopt(Fd fd, Path path) throws IOException {
        org.fdstore.linux.Fcntl.setFlags(fd, org.fdstore.linux.Fcntl.getFlags(fd) | org.fdstore.linux.Fcntl.O_NONBLOCK);
        SocketDirectory directory;
        try {
            directory = SocketDirectory.open(path);
        } catch (IOException e) {
            // Gone or changed meanwhile: serve the fd all the same, and never remove a file there.
            return new ListeningSocket(fd, path, null, null);
        }
        return new ListeningSocket(fd, path, directory, directory.lstat(path.getFileName().toString()));
    }

    /** The listening descriptor, owned by this object. */
    public Fd fd() {
        return fd;
    }

    /** The path it is bound to; null for an inherited socket. */
    public Path path() {
        return path;
    }

    /** Closes the descriptor and leaves the path: a successor serves the same socket. */
    public void release() {
        fd.close();
        if (directory != null) directory.close();
    }

    @Override
    public void close() {
        fd.close();
        if (directory == null) return;
        if (bound != null) directory.unlinkIfSame(path.getFileName().toString(), bound);
        directory.close();
    }
}

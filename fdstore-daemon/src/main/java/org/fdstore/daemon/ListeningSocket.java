package org.fdstore.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;

/**
 * The daemon's listening SOCK_SEQPACKET socket, bound to a path: a stale socket left by a dead daemon is replaced,
 * a live one is never stolen; or inherited from a service manager (socket activation). Closing it unlinks a path it
 * bound if the path is still this socket's.
 *
 * <p>Not thread safe.
 */
public final class ListeningSocket implements AutoCloseable {
    private static final int BACKLOG = 512;

    private final Fd fd;
    private final Path path;
    private final Object fileKey;

    private ListeningSocket(Fd fd, Path path, Object fileKey) {
        this.fd = fd;
        this.path = path;
        this.fileKey = fileKey;
    }

    /**
     * Binds and listens on {@code path}, creating its directory. The socket is non-blocking and connectable by every
     * uid (mode 0666); the daemon decides per request what each peer may do.
     *
     * @throws LinuxException EADDRINUSE if a daemon already serves {@code path}
     */
    public static ListeningSocket bind(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        removeIfStale(path);
        Fd fd = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET | Socket.SOCK_NONBLOCK, 0);
        try {
            Socket.bind(fd, path.toString());
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
            Socket.listen(fd, BACKLOG);
            return new ListeningSocket(fd, path, Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Adopts an inherited listening socket (non-blocking already); closing it closes it and unlinks nothing. */
    public static ListeningSocket inherited(Fd fd) {
        return new ListeningSocket(fd, null, null);
    }

    /**
     * The listening socket a predecessor served on {@code path}, received with SCM_RIGHTS; takes ownership of
     * {@code fd}. It is made non-blocking (the predecessor's flag is shared with it, and it stops serving).
     */
    public static ListeningSocket adopt(Fd fd, Path path) throws IOException {
        org.fdstore.linux.Fcntl.setFlags(fd, org.fdstore.linux.Fcntl.getFlags(fd) | org.fdstore.linux.Fcntl.O_NONBLOCK);
        Object key;
        try {
            key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            key = null;   // Unlinked meanwhile: serve the fd all the same, and never remove another's file.
        }
        return new ListeningSocket(fd, path, key);
    }

    private static void removeIfStale(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Fd probe = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
            Socket.connect(probe, path.toString());
            throw new LinuxException("bind(\"" + path + "\")", Errno.EADDRINUSE,
                    "a process holds this socket open (a standby about to serve?); stop it or choose another with"
                            + " --socket");
        } catch (LinuxException e) {
            if (e.errno() != Errno.ECONNREFUSED) throw e;
            Files.delete(path);   // Nobody listens: a daemon died and left its socket behind.
        }
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
    }

    @Override
    public void close() {
        fd.close();
        if (path == null) return;
        try {
            Object now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            if (now != null && now.equals(fileKey)) Files.delete(path);
        } catch (IOException ignored) {
            // Already removed, or replaced by another daemon's socket: leave it.
        }
    }
}

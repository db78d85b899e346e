package org.fdstore.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.SocketPath;

/**
 * The directory of the daemon's socket, checked and then held open (O_PATH), so that every name the daemon creates,
 * probes or removes there is reached from the checked directory and not through a path another user could redirect
 * with a symbolic link.
 *
 * <p>The rules: this user's private fallback directory ({@link SocketPath#privateDirectory}, in /tmp, where anyone
 * can create a name first) is created 0700 if absent and must be a directory of this uid, not a symbolic link, and
 * writable by no one else ({@link SocketPath#whyNotPrivate}). Any other directory (/run/fdstore, $XDG_RUNTIME_DIR, or
 * one named with --socket) is created 0755 if absent, and must be owned by this uid or root and writable by no one
 * else unless sticky (as /tmp): otherwise another user could replace the socket. Symbolic links above it are followed,
 * as the operator named them (/var/run is one).
 *
 * <p>Not thread safe.
 */
public final class SocketDirectory implements AutoCloseable {
    private final Fd fd;
    private final Path path;

    private SocketDirectory(Fd fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * Opens, creating it if absent, and checks the directory of {@code socket}.
     *
     * @throws LinuxException EPERM (or ELOOP for a symbolic link) naming the directory, what is wrong and what to do
     */
    public static SocketDirectory open(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        int self = Unistd.geteuid();
        boolean fallback = dir.toString().equals(SocketPath.privateDirectory(self));
        if (fallback) return openPrivate(dir, self);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        Fd fd = Fcntl.open(dir.toString(), Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0);
        try {
            String why = SocketPath.whyOthersMayReplace(Stat.fstat(fd), uid -> uid == 0 || uid == self);
            if (why != null) {
                throw refused(dir, Errno.EPERM, why + ", expected a directory of uid 0 or "
                        + Integer.toUnsignedString(self) + " that no one else may write");
            }
            return new SocketDirectory(fd, dir);
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The private fallback directory: made 0700 if absent, opened without following a link, checked by fstat. */
    private static SocketDirectory openPrivate(Path dir, int self) throws IOException {
        byte[] name = bytes(dir.getFileName().toString());
        try (Fd parent = Fcntl.open(dir.getParent().toString(), Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0)) {
            try {
                Stat.mkdirat(parent, name, 0700);
            } catch (LinuxException e) {
                if (e.errno() != Errno.EEXIST) throw e;
            }
            FileStat lstat = Stat.fstatat(parent, name, Fcntl.AT_SYMLINK_NOFOLLOW);
            String why = SocketPath.whyNotPrivate(lstat, uid -> uid == self);
            if (why != null) {
                throw refused(dir, lstat.type() == Stat.S_IFLNK ? Errno.ELOOP : Errno.EPERM,
                        why + ", expected a directory of uid " + Integer.toUnsignedString(self) + " that no one else may write");
            }
            Fd fd = Fcntl.openat(parent, name, Fcntl.O_PATH | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW, 0);
            FileStat opened = Stat.fstat(fd);
            if (opened.dev() != lstat.dev() || opened.ino() != lstat.ino()) {
                fd.close();
                throw refused(dir, Errno.EPERM, "was replaced while it was checked");
            }
            return new SocketDirectory(fd, dir);
        }
    }

    private static LinuxException refused(Path dir, Errno errno, String why) {
        return new LinuxException("socket directory " + dir, errno, why + ": another user may have made it to"
                + " squat the socket; remove it (or ask its owner or root to), or choose another directory with"
                + " XDG_RUNTIME_DIR or --socket");
    }

    /** The directory, held open with O_PATH; owned by this object. */
    public Fd fd() {
        return fd;
    }

    /** The directory's path. */
    public Path path() {
        return path;
    }

    /**
     * {@code /proc/self/fd/N/name}: a path to {@code name} in this very directory, for the calls that take only a
     * path (bind and connect of an AF_UNIX socket). The caller keeps this object open while it uses the path.
     */
    public String pathOf(String name) {
        return "/proc/self/fd/" + fd.number() + "/" + name;
    }

    /** The lstat of {@code name} here, or null if there is none. */
    public FileStat lstat(String name) throws LinuxException {
        try {
            return Stat.fstatat(fd, name, Fcntl.AT_SYMLINK_NOFOLLOW);
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
    }

    /**
     * Removes the socket file {@code name} if nobody receives on it any more (its daemon died and left it): a
     * connect of {@code socketType} is refused. A live socket, or anything but a socket, stays.
     *
     * @param whatToDo the advice of the EADDRINUSE error, e.g. {@code stop it or choose another --socket}
     * @throws LinuxException EADDRINUSE if a process receives on it, EEXIST if it is not a socket
     */
    public void removeStaleSocket(String name, int socketType, String whatToDo) throws LinuxException {
        FileStat st = lstat(name);
        if (st == null) return;
        String call = "bind(\"" + path.resolve(name) + "\")";
        if (st.type() != Stat.S_IFSOCK) {
            throw new LinuxException(call, Errno.EEXIST, "something other than a socket is there; remove it or"
                    + " choose another path");
        }
        try (Fd probe = Socket.socket(Socket.AF_UNIX, socketType, 0)) {
            Socket.connect(probe, pathOf(name));
            throw new LinuxException(call, Errno.EADDRINUSE, "a process listens there; " + whatToDo);
        } catch (LinuxException e) {
            if (e.errno() != Errno.ECONNREFUSED) throw e;
            Unistd.unlinkat(fd, bytes(name), 0);
        }
    }

    /**
     * Gives the socket file {@code name} mode {@code mode} through an O_PATH descriptor of the file itself, never
     * through a link put in its place; returns its lstat, by which {@link #unlinkIfSame} knows it later.
     *
     * @throws LinuxException EEXIST if {@code name} is no socket (any more)
     */
    public FileStat chmodSocket(String name, int mode) throws LinuxException {
        try (Fd file = Fcntl.openat(fd, name, Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0)) {
            FileStat st = Stat.fstat(file);
            if (st.type() != Stat.S_IFSOCK) {
                throw new LinuxException("chmod(\"" + path.resolve(name) + "\")", Errno.EEXIST,
                        "replaced by something other than a socket");
            }
            Stat.chmodProcSelfFd(file, mode);
            return st;
        }
    }

    /** Unlinks {@code name} if it is still the file {@code bound} describes; leaves anything else, quietly. */
    public void unlinkIfSame(String name, FileStat bound) {
        try {
            FileStat now = lstat(name);
            if (now != null && now.dev() == bound.dev() && now.ino() == bound.ino()) Unistd.unlinkat(fd, bytes(name), 0);
        } catch (LinuxException ignored) {
            // Already removed, or replaced by another daemon's socket: leave it.
        }
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        fd.close();
    }
}

package org.fdstore.cli;

import java.nio.file.Path;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.TrustedUids;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Stat;
import org.fdstore.protocol.SocketPath;

/**
 * The check {@code fdstore exec --notify} makes of the notify socket before it hands it to COMMAND, which will send
 * its fds there: the receiver must be a trusted uid's, as the store daemon must be.
 *
 * <p>A datagram socket has no peer credentials to ask (SO_PEERCRED is recorded by connect on stream and seqpacket
 * sockets only), so the check is of the file system: lstat of the socket file, which must be a socket owned by a
 * trusted uid (bind(2) makes the binder its owner), and of its directory, which must be owned by a trusted uid and
 * writable by no one else unless sticky (as /tmp), so that no other user can have replaced the file or can replace
 * it later. An abstract name ({@code @name}) has no owner at all: any user can bind one first; it is refused.
 *
 * <p>Stateless and thread safe.
 */
final class NotifySocketOwner {
    private NotifySocketOwner() {}

    /**
     * Checks {@code address} (a path or {@code @name}).
     *
     * @throws FdStoreException EPERM naming the socket, the uid found and the uids expected; the errno of lstat(2)
     *     if it cannot be checked
     */
    static void check(String address, TrustedUids trusted) throws FdStoreException {
        if (address.startsWith("@")) {
            throw new FdStoreException(Errno.EPERM, "notify socket " + address + " is in the abstract namespace, where"
                    + " any user can bind a name and no owner can be checked (EPERM): give the daemon a path with"
                    + " --notify-socket PATH, and pass --notify=PATH");
        }
        Path socket = Path.of(address).toAbsolutePath();
        FileStat file = lstat(socket.toString());
        if (file.type() != Stat.S_IFSOCK) {
            throw new FdStoreException(Errno.ENOTSOCK, "notify socket " + address + " is not a socket (ENOTSOCK)");
        }
        if (!trusted.accepts(file.uid())) throw trusted.untrusted("notify socket " + address, "is owned by", file.uid());
        Path parent = socket.getParent();
        String why = SocketPath.whyOthersMayReplace(lstat(parent.toString()), trusted::accepts);
        if (why != null) {
            throw new FdStoreException(Errno.EPERM, "directory " + parent + " of notify socket " + address + " " + why
                    + ", expected a directory of uid " + trusted.expected() + " that no one else may write (EPERM):"
                    + " another user could replace the socket; give the daemon --notify-socket PATH in such a"
                    + " directory");
        }
    }

    private static FileStat lstat(String path) throws FdStoreException {
        try {
            return Stat.fstatat(null, path, Fcntl.AT_SYMLINK_NOFOLLOW);
        } catch (LinuxException e) {
            throw new FdStoreException(e.errno(), "cannot check the notify socket: " + e.getMessage(), e);
        }
    }
}

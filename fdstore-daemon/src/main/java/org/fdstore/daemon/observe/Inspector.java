package org.fdstore.daemon.observe;

import org.fdstore.daemon.lifetime.Lifetimes;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.linux.FileKind;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Stat;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.InspectInfo;
import org.fdstore.protocol.Limits;

/**
 * Finds out what each stored fd pins, for one INSPECT request: its mount (fdinfo's {@code mnt_id} and the mount
 * table), device and inode, and for a socket its family, type, address and peer. The tables are read once per
 * request, on the event loop; an operator's INSPECT of a large store costs a few milliseconds per thousand entries.
 *
 * <p>Not thread safe: one instance serves one request.
 */
public final class Inspector {
    private final MountTable mounts;
    private SocketTable sockets;

    /** An inspector over the mount table as it is now. */
    public Inspector() {
        this.mounts = MountTable.read();
    }

    /** The mount table read for this request. */
    public MountTable mounts() {
        return mounts;
    }

    /** The mount id of {@code entry}'s fd, read from fdinfo once per entry. */
    public static int mountId(Entry entry) {
        if (entry.knownMountId() == 0) entry.rememberMountId(MountTable.mountIdOf(entry.fd().number()));
        return entry.knownMountId();
    }

    /** Describes {@code entry}, whose lifetime is in {@code state}. */
    public InspectInfo inspect(Entry entry, Lifetimes.State state) {
        EntryInfo info = entry.freshInfo();
        int mountId = Math.max(0, mountId(entry));
        String socket = "";
        String peer = "";
        if (info.kind() == FileKind.SOCKET) {
            SocketTable.Socket s = socketTable().get(socketInode(info.target()));
            if (s != null) {
                socket = s.description();
                peer = s.remote();
                if (s.connected()) peer = unixPeer(entry);
            } else {
                peer = unixPeer(entry);
            }
        }
        // Read now rather than kept per entry (16 bytes each): the device and inode of an open fd never change.
        // From the kernel's cache: a FUSE server is not asked, so one that never answers cannot stall the loop.
        long device = 0;
        long inode = 0;
        try {
            FileStat stat = Stat.fstatNoSync(entry.fd());
            device = stat.dev();
            inode = stat.ino();
        } catch (LinuxException e) {
            // Left 0: unknown, as the protocol allows.
        }
        return new InspectInfo(info, entry.lifetime(), state.expiresAtMillis(), state.boundPid(),
                state.ownerExitedAtMillis(), state.hangupWatched(), mountId,
                Entry.fit(mounts.mountPoint(mountId), Limits.MAX_PATH_BYTES),
                device, inode,
                Entry.fit(socket, Limits.MAX_DESCRIPTION_BYTES), Entry.fit(peer, Limits.MAX_DESCRIPTION_BYTES));
    }

    private SocketTable socketTable() {
        if (sockets == null) sockets = SocketTable.read();
        return sockets;
    }

    /** The inode in {@code socket:[41312]}, or -1. */
    static long socketInode(String target) {
        if (!target.startsWith("socket:[") || !target.endsWith("]")) return -1;
        try {
            return Long.parseLong(target.substring(8, target.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** SO_PEERCRED of a connected AF_UNIX socket, as {@code pid=N uid=N gid=N}; "" for any other socket. */
    private static String unixPeer(Entry entry) {
        try {
            PeerCredentials p = Socket.peerCredentials(entry.fd());
            if (p.pid() == 0) return "";
            return "pid=" + p.pid() + " uid=" + Integer.toUnsignedString(p.uid()) + " gid="
                    + Integer.toUnsignedString(p.gid());
        } catch (LinuxException e) {
            return "";
        }
    }
}

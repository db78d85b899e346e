package org.fdstore.protocol;

import java.util.Objects;

/**
 * One entry of an INSPECT reply: the {@link EntryInfo} of LIST, plus what its fd pins and how long it lives.
 *
 * <p>The u32 and u64 fields are kept bit for bit in Java's signed types. Immutable and thread safe.
 *
 * @param entry the entry, as LIST describes it
 * @param lifetime the lifetime chosen at save
 * @param expiresAtMillis when the TTL runs out, milliseconds since the Unix epoch; 0 without a TTL
 * @param boundPid the process an owner-bound entry is bound to (the saver, or whoever restored it last during a
 *     grace); 0 if not owner-bound
 * @param ownerExitedAtMillis when that process was seen to exit; 0 while it lives, or if not owner-bound
 * @param hangupWatched whether the daemon watches the fd for POLLHUP and POLLERR (false with
 *     {@link Lifetime#keepOnHangup()}, and for fds epoll cannot watch: regular files, directories)
 * @param mountId the mount the fd was opened through ({@code mnt_id} of /proc/self/fdinfo); 0 if unknown
 * @param mountPoint that mount's mount point in the daemon's mount namespace; {@code ""} if unknown
 * @param device {@code st_dev} of the fd, the Linux {@code dev_t} encoding
 * @param inode {@code st_ino} of the fd
 * @param socket for a socket: family, type and local address, e.g. {@code unix stream /run/app.sock},
 *     {@code tcp 127.0.0.1:8080 established}; {@code ""} otherwise or if unknown
 * @param peer for a connected socket: the other end, e.g. {@code pid=4321 uid=1000 gid=1000} for AF_UNIX or
 *     {@code 10.0.0.7:51234} for TCP; {@code ""} otherwise or if unknown
 */
public record InspectInfo(EntryInfo entry, Lifetime lifetime, long expiresAtMillis, int boundPid,
        long ownerExitedAtMillis, boolean hangupWatched, int mountId, String mountPoint, long device, long inode,
        String socket, String peer) {

    /** Bytes of an inspected entry besides its entry, and the contents of its three strings. */
    static final int FIXED_SIZE = 8 + 4 + 4 + 8 + 4 + 8 + 1 + 4 + 2 + 8 + 8 + 2 + 2;

    /** Watch flag bit 0: the fd is watched for hang-up. */
    static final int WATCH_HANGUP = 1;

    /**
     * Checks the components.
     *
     * @throws NullPointerException if an object component is null
     */
    public InspectInfo {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(peer, "peer");
    }

    /** Bytes this inspected entry takes on the wire. */
    public int encodedSize() {
        return entry.encodedSize() + FIXED_SIZE + Utf8.length(mountPoint) + Utf8.length(socket) + Utf8.length(peer);
    }

    /**
     * When an owner-bound entry whose owner has exited is released unless restored: exit time plus grace; 0
     * otherwise.
     */
    public long releaseAtMillis() {
        if (!lifetime.ownerBound() || ownerExitedAtMillis == 0) return 0;
        return ownerExitedAtMillis + lifetime.graceMillisUnsigned();
    }
}

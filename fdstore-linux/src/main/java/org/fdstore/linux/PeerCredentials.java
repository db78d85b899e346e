package org.fdstore.linux;

/**
 * The credentials of a socket's peer, as the kernel recorded them at connect time (SO_PEERCRED); the peer cannot
 * forge them.
 *
 * @param pid process id
 * @param uid user id
 * @param gid group id
 */
public record PeerCredentials(int pid, int uid, int gid) {}

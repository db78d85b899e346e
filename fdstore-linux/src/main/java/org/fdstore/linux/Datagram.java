package org.fdstore.linux;

/**
 * One message taken by {@link Socket#recvmsgWithCredentials}, with the sender's credentials.
 *
 * @param message     the data's length, the fds (owned by the receiver) and msg_flags
 * @param credentials the SCM_CREDENTIALS that came with it (pid in the receiver's pid namespace, 0 if the sender
 *                    has none there), or null if none came because the socket lacks SO_PASSCRED
 */
public record Datagram(Received message, PeerCredentials credentials) {}

package org.fdstore.linux;

import java.util.List;

/**
 * One message taken by {@link Socket#recvmsg}.
 *
 * @param length bytes of data received; 0 with no fds means the peer closed the connection
 * @param fds    the fds that came with it, owned by the receiver
 * @param flags  msg_flags as the kernel set them (MSG_TRUNC: the data did not fit the buffer)
 */
public record Received(long length, List<Fd> fds, int flags) {
    /** Whether the data was longer than the buffer and the rest was discarded. */
    public boolean truncated() {
        return (flags & Socket.MSG_TRUNC) != 0;
    }

    /** Whether this is the end of the connection rather than a message. */
    public boolean endOfStream() {
        return length == 0 && fds.isEmpty();
    }

    /** Closes every fd that came with the message. */
    public void closeFds() {
        fds.forEach(Fd::close);
    }
}

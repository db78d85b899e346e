package org.fdstore.daemon.server;

import java.util.List;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.Reply;

/** Where the request handler puts its replies: the event loop encodes and sends them in order. */
interface ReplySink {
    /** Sends one reply frame to {@code connection}; the fds stay owned by the caller. */
    void reply(Connection connection, int replyType, long requestId, boolean continues, Reply reply, List<Fd> fds);

    /**
     * Sends the frames of a RESTORE_MANY reply, now and as the client's socket takes them, duplicating no fd; or,
     * while replies wait for the mirrors, holds them all behind those replies with duplicates of their fds.
     */
    void stream(Connection connection, RestoreStream stream);

    /** Answers a frame that breaks the protocol, then drops the connection. */
    void reject(Connection connection, int replyType, long requestId, Reply.Failure failure);
}

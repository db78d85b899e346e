package org.fdstore.daemon.server;

import java.nio.ByteBuffer;
import java.util.List;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.linux.Fd;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Pidfd;
import org.fdstore.protocol.DaemonStatus;

/**
 * What the event loop tells the continuity layer (org.fdstore.daemon.continuity): every change of the store, and
 * the connections that open with a daemon-to-daemon frame. All calls come from the event loop's thread.
 *
 * <p>A change is acknowledged to a client only after {@link #flush} handed it to the kernel: while {@link #pending}
 * is true the loop holds back replies, and it flushes before it sends them.
 */
public interface Replication {
    /** Epoll tokens from here up to {@link org.fdstore.daemon.lifetime.Lifetimes#TOKEN_BASE} are the layer's. */
    long TOKEN_BASE = 1L << 61;

    /** Nothing to replicate: the daemon runs without mirror. */
    Replication NONE = new Replication() { };

    /** Called once when the loop starts, with access to its epoll set and its store. */
    default void start(Server server) {}

    /** An entry was stored; {@code owner} is the pidfd it is bound to, or null. Neither fd is the layer's. */
    default void added(Entry entry, Pidfd owner) {}

    /** An entry is about to be released; its fd is closed right after this returns. */
    default void removed(Entry entry) {}

    /** An owner-bound entry in its grace was restored and is now bound to {@code owner} (not the layer's). */
    default void rebound(Entry entry, Pidfd owner) {}

    /** Whether changes wait to be sent, so that replies must wait too. */
    default boolean pending() {
        return false;
    }

    /** Hands the waiting changes to the kernel. */
    default void flush() {}

    /**
     * A new connection's first frame has a type in 0x10-0x1F. The layer takes ownership of {@code socket} and of
     * the frame's fds; {@code frame} is valid during the call only.
     */
    default void attach(Fd socket, PeerCredentials peer, ByteBuffer frame, List<Fd> fds) {
        fds.forEach(Fd::close);
        socket.close();
    }

    /** An epoll event for one of the layer's tokens. */
    default void handle(long token, int events) {}

    /** Adds to a STATUS reply what the layer knows: the standby, when the store started, the last transition. */
    default void describe(DaemonStatus.Builder status) {}

    /** Whether a hot standby holds the whole store (1 or 0), and how many snapshot slices it still lacks. */
    default long[] standbyState() {
        return new long[] {0, 0};
    }

    /** Called at every tick of the loop (at least once a second). */
    default void tick() {}

    /** Whether the type byte of a frame belongs to the daemon-to-daemon range. */
    static boolean isContinuityType(int type) {
        return type >= 0x10 && type <= 0x1F;
    }
}

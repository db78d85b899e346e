package org.fdstore.daemon.server;

import java.util.ArrayList;
import java.util.List;
import org.fdstore.daemon.registry.Refusal;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.MessageType;
import org.fdstore.protocol.Selector;

/**
 * A multi-frame request (SAVE_MANY, or RESTORE_MANY of selectors) whose last frame has not arrived: what its frames
 * brought so far, or the refusal that will answer it once the last frame is in. Until then the connection accepts
 * only frames of this request.
 *
 * <p>Not thread safe: owned by its connection on the event loop. Holds the fds of the saves until they are stored
 * or the batch is dropped.
 */
final class OpenBatch {
    final long requestId;
    final MessageType type;
    /** RESTORE_MANY: whether its first frame asked for bare entries; every frame must agree. */
    final boolean bare;
    /** SAVE_MANY: the items checked so far, each owning its fd until stored. */
    final List<PreparedSave> saves = new ArrayList<>();
    /** RESTORE_MANY: the selectors so far. */
    final List<Selector> selectors = new ArrayList<>();
    /** Set once an item is refused; later frames are then only drained (their fds closed). */
    Refusal failure;

    OpenBatch(long requestId, MessageType type, boolean bare) {
        this.requestId = requestId;
        this.type = type;
        this.bare = bare;
    }

    /** Records the refusal that answers the batch and closes every fd it held; the first refusal wins. */
    void fail(Refusal refusal) {
        if (failure == null) failure = refusal;
        closeFds();
    }

    /** Closes the fds of the saves not yet stored. */
    void closeFds() {
        saves.forEach(s -> Closer.close(s.fd()));
        saves.clear();
    }
}

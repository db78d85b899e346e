package org.fdstore.daemon.server;

import java.util.List;
import org.fdstore.linux.Fd;

/**
 * A reply that could not be sent at once because the client's socket was full: a copy of its bytes and its own
 * duplicates of the fds, so the entry may be removed meanwhile without the reply losing its file.
 */
record QueuedFrame(byte[] bytes, List<Fd> fds) {
    void closeFds() {
        Closer.closeAll(fds);
    }
}

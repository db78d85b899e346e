package org.fdstore.client;

import java.util.List;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.FrameHeader;
import org.fdstore.protocol.Reply;

/**
 * One received reply frame with the fds that came with it; whoever holds it closes the fds or hands them on.
 *
 * @param header the frame's header
 * @param reply the decoded reply
 * @param fds the fds of its SCM_RIGHTS, as many as the reply type carries
 */
record ReplyFrame(FrameHeader header, Reply reply, List<Fd> fds) {
    void closeFds() {
        fds.forEach(Fd::close);
    }
}

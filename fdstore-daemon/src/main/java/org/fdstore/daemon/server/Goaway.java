package org.fdstore.daemon.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.fdstore.protocol.FrameHeader;
import org.fdstore.protocol.Limits;

/**
 * The GOAWAY frame a daemon sends each client before it closes the connection (docs/protocol.md): type 0xFF,
 * request id 0, body {@code u32} reason then {@code string} message. Every request the daemon read before it was
 * answered; one it did not answer was not carried out, so the client may send it again to the next daemon.
 *
 * <p>Stateless and thread safe.
 */
public final class Goaway {
    /** The frame type. */
    public static final int TYPE = 0xFF;
    /** Reason 1: a successor serves the same socket from now on. */
    public static final int HANDOVER = 1;
    /** Reason 2: the store stops. */
    public static final int SHUTDOWN = 2;

    private Goaway() {}

    /** Encodes the frame into {@code out} from position 0; returns its length. */
    public static int encode(ByteBuffer out, int reason, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int body = 4 + 2 + text.length;
        new FrameHeader(Limits.VERSION, TYPE, 0, 0, body, 0).write(out);
        out.putInt(reason);
        out.putShort((short) text.length);
        out.put(text);
        return Limits.HEADER_SIZE + body;
    }
}

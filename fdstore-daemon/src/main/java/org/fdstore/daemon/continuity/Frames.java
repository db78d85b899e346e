package org.fdstore.daemon.continuity;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.fdstore.protocol.FrameHeader;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.ProtocolException;

/**
 * The daemon-to-daemon frame types (0x10-0x1F, docs/protocol.md "Daemon to daemon") and their fixed parts. Every
 * frame has the protocol's 24-byte header, version 1, request id 0.
 *
 * <p>Stateless and thread safe.
 */
final class Frames {
    /** Mirror to server: attach me. Body: u8 role (1 standby, 2 successor). */
    static final int ATTACH = 0x10;
    /** Server to mirror: how I run. Fds: the listening socket, my log. Body: u32 count, count × (string, string). */
    static final int CONFIG = 0x11;
    /** Server to mirror: changes in order. Body: u32 count, count × change (see {@link ChangeBatch}). */
    static final int CHANGES = 0x12;
    /** Server to mirror: the snapshot is complete. Body: u32 entries in it. */
    static final int SNAPSHOT_DONE = 0x13;
    /** Successor to server: snapshot loaded, hand over. Empty. */
    static final int READY = 0x14;
    /** Server to mirror: exit without serving. Empty. */
    static final int RETIRE = 0x15;
    /** Server to successor: the lock is free, serve now. Body: u64 CLOCK_MONOTONIC ns at which the server stopped. */
    static final int PROMOTE = 0x16;

    /**
     * Server to mirror: its counters as they are (docs/operations.md "Metrics"), once a second and just before
     * PROMOTE; each replaces the one before. Body: u32 count, count × (string key, u64 value).
     */
    static final int COUNTERS = 0x17;

    /** Role byte of ATTACH: a hot standby that serves if the server dies. */
    static final int ROLE_STANDBY = 1;
    /** Role byte of ATTACH: an upgrade successor that serves once the server has handed over. */
    static final int ROLE_SUCCESSOR = 2;

    private Frames() {}

    /** A little-endian view of {@code buffer} for writing a frame of {@code type} from position 0. */
    static ByteBuffer begin(ByteBuffer buffer) {
        return buffer.clear().order(ByteOrder.LITTLE_ENDIAN).position(Limits.HEADER_SIZE);
    }

    /** Writes the header for what {@link #begin} started; returns the frame's length. */
    static int end(ByteBuffer buffer, int type, int fdCount) {
        int length = buffer.position();
        new FrameHeader(Limits.VERSION, type, 0, 0, length - Limits.HEADER_SIZE, fdCount).write(buffer.position(0));
        buffer.position(length);
        return length;
    }

    /** Reads a received frame's header; {@code frame} is then positioned at its body. */
    static FrameHeader read(ByteBuffer frame, int fds) throws ProtocolException {
        frame.order(ByteOrder.LITTLE_ENDIAN);
        FrameHeader header = FrameHeader.read(frame, fds);
        frame.position(frame.position() + Limits.HEADER_SIZE);
        return header;
    }

    /** A name for logs. */
    static String name(int type) {
        return switch (type) {
            case ATTACH -> "ATTACH";
            case CONFIG -> "CONFIG";
            case CHANGES -> "CHANGES";
            case SNAPSHOT_DONE -> "SNAPSHOT_DONE";
            case READY -> "READY";
            case RETIRE -> "RETIRE";
            case PROMOTE -> "PROMOTE";
            case COUNTERS -> "COUNTERS";
            default -> String.format("0x%02x", type);
        };
    }
}

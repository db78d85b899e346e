package org.fdstore.protocol;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes little-endian fields into a frame. Values are checked before they get here (see {@link EncodedBody}).
 *
 * <p>Confined to one encode call; not thread safe.
 */
final class WireWriter {
    private final ByteBuffer out;

    private WireWriter(ByteBuffer out) {
        this.out = out;
    }

    /**
     * Writes a whole frame at {@code out}'s position and advances it; on any exception the position is unchanged.
     *
     * @param type the frame's type, named in the exception's message
     * @return the frame's length
     * @throws IllegalArgumentException if the frame would exceed {@link Limits#MAX_FRAME}
     * @throws BufferOverflowException if {@code out} has not room for the frame
     */
    static int writeFrame(ByteBuffer out, int type, int flags, long requestId, int fdCount, EncodedBody body) {
        long frameLength = Limits.HEADER_SIZE + body.length();
        if (frameLength > Limits.MAX_FRAME) {
            throw new IllegalArgumentException(FrameHeader.describeType(type) + " frame would be " + frameLength
                    + " bytes, more than the " + Limits.MAX_FRAME + "-byte limit");
        }
        if (out.remaining() < frameLength) throw new BufferOverflowException();
        ByteBuffer frame = out.slice(out.position(), (int) frameLength).order(ByteOrder.LITTLE_ENDIAN);
        new FrameHeader(Limits.VERSION, type, flags, requestId, (int) body.length(), fdCount).write(frame);
        body.writer().accept(new WireWriter(frame));
        if (frame.hasRemaining()) {
            throw new IllegalStateException(FrameHeader.describeType(type) + " body wrote " + frame.remaining()
                    + " bytes fewer than counted");
        }
        out.position(out.position() + (int) frameLength);
        return (int) frameLength;
    }

    /** Bytes an {@code entry} takes, after checking its strings and blob against the limits. */
    static long entrySize(EntryInfo entry) {
        int name = Utf8.length(entry.name());
        int namespace = Utf8.length(entry.namespace());
        int target = Utf8.length(entry.target());
        int metadata = entry.metadataUnshared().length;
        checkMax("entry name", name, Limits.MAX_NAME_BYTES);
        checkMax("entry namespace", namespace, Limits.MAX_NAMESPACE_BYTES);
        checkMax("entry target", target, Limits.MAX_TARGET_BYTES);
        checkMax("entry metadata", metadata, Limits.MAX_METADATA);
        return EntryInfo.FIXED_SIZE + name + namespace + target + metadata;
    }

    /** Bytes an inspected entry takes, after checking its strings against the limits. */
    static long inspectedSize(InspectInfo info) {
        int mountPoint = Utf8.length(info.mountPoint());
        int socket = Utf8.length(info.socket());
        int peer = Utf8.length(info.peer());
        checkMax("entry mount point", mountPoint, Limits.MAX_PATH_BYTES);
        checkMax("entry socket", socket, Limits.MAX_DESCRIPTION_BYTES);
        checkMax("entry peer", peer, Limits.MAX_DESCRIPTION_BYTES);
        return entrySize(info.entry()) + InspectInfo.FIXED_SIZE + mountPoint + socket + peer;
    }

    static void checkMax(String field, long length, int max) {
        if (length > max) throw new IllegalArgumentException(field + " is " + length + " bytes, more than " + max);
    }

    static void checkU16(String field, int value) {
        if (value < 0 || value > 0xFFFF) throw new IllegalArgumentException(field + " " + value + " is not a u16");
    }

    WireWriter u8(int value) {
        out.put((byte) value);
        return this;
    }

    WireWriter u16(int value) {
        out.putShort((short) value);
        return this;
    }

    /** A u32 or an i32, bit for bit. */
    WireWriter u32(int value) {
        out.putInt(value);
        return this;
    }

    WireWriter u64(long value) {
        out.putLong(value);
        return this;
    }

    /** A {@code string} from bytes already checked to fit a u16. */
    WireWriter string(byte[] utf8) {
        out.putShort((short) utf8.length).put(utf8);
        return this;
    }

    /** A {@code string} already checked by {@link Utf8#length}, so encoding replaces nothing. */
    WireWriter string(String s) {
        return string(s.getBytes(StandardCharsets.UTF_8));
    }

    WireWriter blob(byte[] bytes) {
        out.putInt(bytes.length).put(bytes);
        return this;
    }

    /** A {@code selector}, its name already checked by {@link Utf8#checkedLength}. */
    WireWriter selector(Selector s) {
        return switch (s) {
            case Selector.ById id -> u8(WireReader.SELECTOR_BY_ID).u64(id.id());
            case Selector.ByName n -> u8(WireReader.SELECTOR_BY_NAME).string(n.name());
        };
    }

    WireWriter lifetime(Lifetime l) {
        return u64(l.ttlMillis()).u32(l.graceMillis()).u32(l.flags());
    }

    WireWriter inspected(InspectInfo i) {
        return entry(i.entry())
                .lifetime(i.lifetime())
                .u64(i.expiresAtMillis())
                .u32(i.boundPid())
                .u64(i.ownerExitedAtMillis())
                .u8(i.hangupWatched() ? InspectInfo.WATCH_HANGUP : 0)
                .u32(i.mountId())
                .string(i.mountPoint())
                .u64(i.device())
                .u64(i.inode())
                .string(i.socket())
                .string(i.peer());
    }

    WireWriter entry(EntryInfo e) {
        return u64(e.id())
                .string(e.name())
                .string(e.namespace())
                .u8(e.kind().code())
                .u32(e.openFlags())
                .u32(e.pid())
                .u32(e.uid())
                .u32(e.gid())
                .u64(e.savedAtMillis())
                .string(e.target())
                .blob(e.metadataUnshared());
    }
}

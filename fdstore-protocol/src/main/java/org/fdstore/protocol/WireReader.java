package org.fdstore.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.fdstore.linux.Errno;
import org.fdstore.linux.FileKind;

/**
 * Reads the fields of one frame's body, checking each length against what is left before reading it. Every
 * failure is an EPROTO {@link ProtocolException} naming the frame and the field.
 *
 * <p>Confined to one decode call; not thread safe.
 */
final class WireReader {
    static final int SELECTOR_BY_ID = 1;
    static final int SELECTOR_BY_NAME = 2;
    /** Every empty blob: nothing can change an empty array, and most entries have no metadata. */
    private static final byte[] NO_BYTES = {};

    private final ByteBuffer body;
    private final FrameHeader header;
    private final Utf8Decoder utf8 = new Utf8Decoder();

    /** A reader of the body of {@code frame}, whose header {@code header} has been read and checked. */
    WireReader(ByteBuffer frame, FrameHeader header) {
        this.body = frame.slice(frame.position() + Limits.HEADER_SIZE, header.bodyLength())
                .order(ByteOrder.LITTLE_ENDIAN);
        this.header = header;
    }

    /** An EPROTO exception about this frame. */
    ProtocolException malformed(String problem) {
        return new ProtocolException(Errno.EPROTO, header.requestId(), header.type() | MessageType.REPLY_BIT,
                FrameHeader.describeType(header.type()) + " frame: " + problem);
    }

    int u8(String field) throws ProtocolException {
        need(1, field);
        return Byte.toUnsignedInt(body.get());
    }

    int u16(String field) throws ProtocolException {
        need(2, field);
        return Short.toUnsignedInt(body.getShort());
    }

    /** A u32, bit for bit in an int. */
    int u32(String field) throws ProtocolException {
        need(4, field);
        return body.getInt();
    }

    int i32(String field) throws ProtocolException {
        return u32(field);
    }

    long u64(String field) throws ProtocolException {
        need(8, field);
        return body.getLong();
    }

    /** A {@code string} of at most {@code maxBytes}; longer is malformed, and so is malformed UTF-8. */
    String string(String field, int maxBytes) throws ProtocolException {
        // u16() only to name the field when the length is truncated: a concatenation per string adds up.
        int length = body.remaining() >= 2 ? Short.toUnsignedInt(body.getShort()) : u16(field + " length");
        if (length > maxBytes) throw malformed(field + " length " + length + " exceeds " + maxBytes);
        need(length, field);
        String s = utf8.read(body, length);
        if (s == null) throw malformed(field + " is not valid UTF-8");
        return s;
    }

    /** A {@code blob} of at most {@code maxBytes}; longer is malformed. */
    byte[] blob(String field, int maxBytes) throws ProtocolException {
        long length = Integer.toUnsignedLong(body.remaining() >= 4 ? body.getInt() : u32(field + " length"));
        if (length > maxBytes) throw malformed(field + " length " + length + " exceeds " + maxBytes);
        need((int) length, field);
        if (length == 0) return NO_BYTES;
        byte[] bytes = new byte[(int) length];
        body.get(bytes);
        return bytes;
    }

    Selector selector() throws ProtocolException {
        int tag = u8("selector tag");
        return switch (tag) {
            case SELECTOR_BY_ID -> new Selector.ById(u64("selector id"));
            case SELECTOR_BY_NAME -> new Selector.ByName(string("selector name", Limits.MAX_STRING_BYTES));
            default -> throw malformed("selector tag " + tag + " is neither 1 (by id) nor 2 (by name)");
        };
    }

    /** The three lifetime fields of SAVE and INSPECT; reserved flag bits are malformed. */
    Lifetime lifetime(String what) throws ProtocolException {
        long ttl = u64(what + " ttl");
        int grace = u32(what + " grace");
        int flags = u32(what + " lifetime flags");
        if ((flags & ~Lifetime.DEFINED_FLAGS) != 0) {
            throw malformed(String.format("%s lifetime flags set reserved bits 0x%x", what,
                    flags & ~Lifetime.DEFINED_FLAGS));
        }
        return Lifetime.of(ttl, grace, flags);
    }

    DropTarget dropTarget() throws ProtocolException {
        int tag = u8("drop target tag");
        return switch (tag) {
            case 1 -> new DropTarget.Mount(string("drop mount path", Limits.MAX_PATH_BYTES));
            case 2 -> new DropTarget.Uid(u32("drop uid"));
            case 3 -> new DropTarget.Namespace(string("drop namespace", Limits.MAX_STRING_BYTES));
            case 4 -> new DropTarget.Id(u64("drop id"));
            default -> throw malformed("drop target tag " + tag
                    + " is none of 1 (mount), 2 (uid), 3 (namespace), 4 (id)");
        };
    }

    InspectInfo inspected() throws ProtocolException {
        EntryInfo entry = entry();
        Lifetime lifetime = lifetime("entry");
        long expiresAt = u64("entry expiry time");
        int boundPid = i32("entry bound pid");
        long exitedAt = u64("entry owner exit time");
        int watch = u8("entry watch flags");
        if ((watch & ~InspectInfo.WATCH_HANGUP) != 0) {
            throw malformed(String.format("entry watch flags set reserved bits 0x%x", watch & ~InspectInfo.WATCH_HANGUP));
        }
        int mountId = u32("entry mount id");
        String mountPoint = string("entry mount point", Limits.MAX_PATH_BYTES);
        long device = u64("entry device");
        long inode = u64("entry inode");
        String socket = string("entry socket", Limits.MAX_DESCRIPTION_BYTES);
        String peer = string("entry peer", Limits.MAX_DESCRIPTION_BYTES);
        return new InspectInfo(entry, lifetime, expiresAt, boundPid, exitedAt, (watch & InspectInfo.WATCH_HANGUP) != 0,
                mountId, mountPoint, device, inode, socket, peer);
    }

    EntryInfo entry() throws ProtocolException {
        long id = u64("entry id");
        String name = string("entry name", Limits.MAX_NAME_BYTES);
        String namespace = string("entry namespace", Limits.MAX_NAMESPACE_BYTES);
        FileKind kind = FileKind.ofCode(u8("entry kind"));
        int openFlags = u32("entry open flags");
        int pid = i32("entry pid");
        int uid = u32("entry uid");
        int gid = u32("entry gid");
        long savedAtMillis = u64("entry saved-at time");
        String target = string("entry target", Limits.MAX_TARGET_BYTES);
        byte[] metadata = blob("entry metadata", Limits.MAX_METADATA);
        return new EntryInfo(id, name, namespace, kind, openFlags, pid, uid, gid, savedAtMillis, target, metadata);
    }

    /** Bytes of the body not read yet. */
    int remaining() {
        return body.remaining();
    }

    /** Checks that the whole body was read. */
    void end() throws ProtocolException {
        if (body.hasRemaining()) {
            throw malformed(body.remaining() + " trailing bytes after the body, at body offset " + body.position());
        }
    }

    private void need(int bytes, String field) throws ProtocolException {
        if (body.remaining() < bytes) {
            throw malformed(field + " is truncated: it needs " + bytes + " bytes at body offset " + body.position()
                    + ", but " + body.remaining() + " remain");
        }
    }
}

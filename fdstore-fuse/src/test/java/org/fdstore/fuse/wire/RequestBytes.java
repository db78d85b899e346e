package org.fdstore.fuse.wire;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds the bytes of one request as the kernel writes them: a fuse_in_header, the arguments, the extensions. */
public final class RequestBytes {
    private final int opcode;
    private long unique = 7;
    private long nodeId = 1;
    private int uid = 1000;
    private int gid = 100;
    private int pid = 4242;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final ByteArrayOutputStream ext = new ByteArrayOutputStream();

    private RequestBytes(int opcode) {
        this.opcode = opcode;
    }

    public static RequestBytes of(int opcode) {
        return new RequestBytes(opcode);
    }

    public RequestBytes unique(long v) {
        unique = v;
        return this;
    }

    public RequestBytes nodeId(long v) {
        nodeId = v;
        return this;
    }

    public RequestBytes u32(int v) {
        body.writeBytes(le(4).putInt(v).array());
        return this;
    }

    public RequestBytes u64(long v) {
        body.writeBytes(le(8).putLong(v).array());
        return this;
    }

    public RequestBytes cstring(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        body.write(0);
        return this;
    }

    public RequestBytes raw(byte[] bytes) {
        body.writeBytes(bytes);
        return this;
    }

    /** A FUSE_EXT_GROUPS extension: fuse_ext_header {size, type=32}, fuse_supp_groups {nr, groups[]}, padded. */
    public RequestBytes groups(int... groups) {
        int size = 8 + 4 + 4 * groups.length;
        int padded = (size + 7) & ~7;
        ByteBuffer b = le(padded).putInt(size).putInt(32).putInt(groups.length);
        for (int g : groups) b.putInt(g);
        ext.writeBytes(b.array());
        return this;
    }

    /** Any extension: header {size, type} and payload, padded to 8. */
    public RequestBytes extension(int type, byte[] payload) {
        int size = 8 + payload.length;
        ext.writeBytes(le((size + 7) & ~7).putInt(size).putInt(type).put(payload).array());
        return this;
    }

    public byte[] build() {
        byte[] a = body.toByteArray();
        byte[] e = ext.toByteArray();
        int len = 40 + a.length + e.length;
        ByteBuffer b = le(len)
                .putInt(len).putInt(opcode).putLong(unique).putLong(nodeId)
                .putInt(uid).putInt(gid).putInt(pid).putShort((short) (e.length / 8)).putShort((short) 0);
        return b.put(a).put(e).array();
    }

    public MemorySegment segment() {
        return MemorySegment.ofArray(build());
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}

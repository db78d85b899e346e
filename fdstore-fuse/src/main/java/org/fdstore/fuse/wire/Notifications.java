package org.fdstore.fuse.wire;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Encodes notifications, the messages a server writes to /dev/fuse unasked: a {@code fuse_out_header} with
 * {@code unique} 0 and the notify code in {@code error} ({@code enum fuse_notify_code}, include/uapi/linux/fuse.h
 * 7.45), then the code's struct.
 *
 * <p>Internal: not API. Stateless and thread safe.
 */
public final class Notifications {
    public static final int NOTIFY_INVAL_INODE = 2;
    public static final int NOTIFY_INVAL_ENTRY = 3;
    public static final int NOTIFY_RESEND = 7;
    /** {@code fuse_notify_inval_entry_out.flags}: only expire the dentry, do not drop it (HAS_EXPIRE_ONLY). */
    public static final int EXPIRE_ONLY = 1;

    private Notifications() {}

    /** FUSE_NOTIFY_RESEND: the header alone; returns 16. */
    public static int resend(MemorySegment out) {
        StructWriter.outHeader(out, StructWriter.OUT_HEADER_SIZE, NOTIFY_RESEND, 0);
        return StructWriter.OUT_HEADER_SIZE;
    }

    /** FUSE_NOTIFY_INVAL_INODE: drop cached data of {@code nodeId} in [offset, offset+length), and its attributes. */
    public static int invalInode(MemorySegment out, long nodeId, long offset, long length) {
        int h = StructWriter.OUT_HEADER_SIZE;
        out.set(JAVA_LONG_UNALIGNED, h, nodeId);        // ino
        out.set(JAVA_LONG_UNALIGNED, h + 8, offset);    // off (negative: attributes only)
        out.set(JAVA_LONG_UNALIGNED, h + 16, length);   // len (0: to the end)
        int size = h + 24;
        StructWriter.outHeader(out, size, NOTIFY_INVAL_INODE, 0);
        return size;
    }

    /** The size {@link #invalEntry} needs for a name of {@code nameLength} bytes. */
    public static int invalEntrySize(int nameLength) {
        return StructWriter.OUT_HEADER_SIZE + 16 + nameLength + 1;
    }

    /** FUSE_NOTIFY_INVAL_ENTRY: forget the cached name {@code name} in directory {@code parent}. */
    public static int invalEntry(MemorySegment out, long parent, byte[] name, int flags) {
        int h = StructWriter.OUT_HEADER_SIZE;
        out.set(JAVA_LONG_UNALIGNED, h, parent);        // parent
        out.set(JAVA_INT_UNALIGNED, h + 8, name.length); // namelen
        out.set(JAVA_INT_UNALIGNED, h + 12, flags);     // flags
        MemorySegment.copy(MemorySegment.ofArray(name), 0, out, h + 16, name.length);
        out.set(JAVA_BYTE, h + 16 + name.length, (byte) 0); // the kernel reads namelen + 1 bytes and wants a NUL
        int size = invalEntrySize(name.length);
        StructWriter.outHeader(out, size, NOTIFY_INVAL_ENTRY, 0);
        return size;
    }
}

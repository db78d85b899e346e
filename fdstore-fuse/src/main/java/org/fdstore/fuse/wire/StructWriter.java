package org.fdstore.fuse.wire;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.fdstore.fuse.FuseAttr;
import org.fdstore.fuse.FuseEntry;
import org.fdstore.fuse.FuseReply;
import org.fdstore.fuse.FuseStatfs;

/**
 * Writes the reply structs of include/uapi/linux/fuse.h (protocol 7.45) in the host's byte order, which is the
 * protocol's. Sizes and offsets are the kernel's; each write is commented with the C field.
 *
 * <p>Internal: not API. Stateless and thread safe.
 */
public final class StructWriter {
    /** {@code struct fuse_out_header}. */
    public static final int OUT_HEADER_SIZE = 16;
    /** {@code struct fuse_attr}. */
    public static final int ATTR_SIZE = 88;
    /** {@code struct fuse_entry_out}. */
    public static final int ENTRY_OUT_SIZE = 128;
    /** {@code struct fuse_attr_out}. */
    public static final int ATTR_OUT_SIZE = 104;
    /** {@code struct fuse_open_out}. */
    public static final int OPEN_OUT_SIZE = 16;
    /** {@code struct fuse_statfs_out} (a {@code fuse_kstatfs}). */
    public static final int STATFS_OUT_SIZE = 80;
    /** {@code fuse_write_out}, {@code fuse_getxattr_out}, {@code fuse_lseek_out}, {@code fuse_copy_file_range_out}. */
    public static final int SMALL_OUT_SIZE = 8;
    /** {@code offsetof(struct fuse_dirent, name)}. */
    public static final int DIRENT_NAME_OFFSET = 24;
    /** {@code offsetof(struct fuse_direntplus, dirent.name)}. */
    public static final int DIRENTPLUS_NAME_OFFSET = ENTRY_OUT_SIZE + DIRENT_NAME_OFFSET;
    /** FUSE_NAME_MAX: the kernel rejects longer names in directory entries. */
    public static final int NAME_MAX = 1024;

    private StructWriter() {}

    /** FUSE_REC_ALIGN: variable-length records are padded to 8 bytes. */
    public static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /** {@code struct fuse_out_header}; {@code error} is already negative (or 0). */
    public static void outHeader(MemorySegment s, int length, int error, long unique) {
        s.set(JAVA_INT_UNALIGNED, 0, length);       // len: header plus payload
        s.set(JAVA_INT_UNALIGNED, 4, error);        // error: 0 or -errno
        s.set(JAVA_LONG_UNALIGNED, 8, unique);      // unique: as read, bit 63 included
    }

    /** {@code struct fuse_attr} at {@code o}. */
    public static void attr(MemorySegment s, long o, FuseAttr a) {
        s.set(JAVA_LONG_UNALIGNED, o, a.ino());             // ino
        s.set(JAVA_LONG_UNALIGNED, o + 8, a.size());        // size
        s.set(JAVA_LONG_UNALIGNED, o + 16, a.blocks());     // blocks (512-byte units)
        s.set(JAVA_LONG_UNALIGNED, o + 24, a.atime());      // atime
        s.set(JAVA_LONG_UNALIGNED, o + 32, a.mtime());      // mtime
        s.set(JAVA_LONG_UNALIGNED, o + 40, a.ctime());      // ctime
        s.set(JAVA_INT_UNALIGNED, o + 48, a.atimeNsec());   // atimensec
        s.set(JAVA_INT_UNALIGNED, o + 52, a.mtimeNsec());   // mtimensec
        s.set(JAVA_INT_UNALIGNED, o + 56, a.ctimeNsec());   // ctimensec
        s.set(JAVA_INT_UNALIGNED, o + 60, a.mode());        // mode, with the S_IFMT bits
        s.set(JAVA_INT_UNALIGNED, o + 64, a.nlink());       // nlink
        s.set(JAVA_INT_UNALIGNED, o + 68, a.uid());         // uid
        s.set(JAVA_INT_UNALIGNED, o + 72, a.gid());         // gid
        s.set(JAVA_INT_UNALIGNED, o + 76, a.rdev());        // rdev
        s.set(JAVA_INT_UNALIGNED, o + 80, a.blksize());     // blksize
        s.set(JAVA_INT_UNALIGNED, o + 84, a.flags());       // flags (FUSE_ATTR_*)
    }

    /** {@code struct fuse_entry_out} at {@code o}. */
    public static void entryOut(MemorySegment s, long o, FuseEntry e) {
        s.set(JAVA_LONG_UNALIGNED, o, e.nodeId());                          // nodeid
        s.set(JAVA_LONG_UNALIGNED, o + 8, e.generation());                  // generation
        s.set(JAVA_LONG_UNALIGNED, o + 16, e.entryTimeout().getSeconds());  // entry_valid
        s.set(JAVA_LONG_UNALIGNED, o + 24, e.attrTimeout().getSeconds());   // attr_valid
        s.set(JAVA_INT_UNALIGNED, o + 32, e.entryTimeout().getNano());      // entry_valid_nsec
        s.set(JAVA_INT_UNALIGNED, o + 36, e.attrTimeout().getNano());       // attr_valid_nsec
        attr(s, o + 40, e.attr());                                          // attr
    }

    /** {@code struct fuse_attr_out} at {@code o}. */
    public static void attrOut(MemorySegment s, long o, FuseAttr a, Duration timeout) {
        s.set(JAVA_LONG_UNALIGNED, o, timeout.getSeconds());    // attr_valid
        s.set(JAVA_INT_UNALIGNED, o + 8, timeout.getNano());    // attr_valid_nsec
        s.set(JAVA_INT_UNALIGNED, o + 12, 0);                   // dummy
        attr(s, o + 16, a);                                     // attr
    }

    /** {@code struct fuse_open_out} at {@code o}. */
    public static void openOut(MemorySegment s, long o, FuseReply.Open open) {
        s.set(JAVA_LONG_UNALIGNED, o, open.fh());               // fh
        s.set(JAVA_INT_UNALIGNED, o + 8, open.openFlags());     // open_flags (FOPEN_*)
        s.set(JAVA_INT_UNALIGNED, o + 12, open.backingId());    // backing_id (passthrough), else 0
    }

    /** {@code struct fuse_statfs_out} at {@code o}. */
    public static void statfsOut(MemorySegment s, long o, FuseStatfs st) {
        s.set(JAVA_LONG_UNALIGNED, o, st.blocks());         // blocks
        s.set(JAVA_LONG_UNALIGNED, o + 8, st.bfree());      // bfree
        s.set(JAVA_LONG_UNALIGNED, o + 16, st.bavail());    // bavail
        s.set(JAVA_LONG_UNALIGNED, o + 24, st.files());     // files
        s.set(JAVA_LONG_UNALIGNED, o + 32, st.ffree());     // ffree
        s.set(JAVA_INT_UNALIGNED, o + 40, st.bsize());      // bsize
        s.set(JAVA_INT_UNALIGNED, o + 44, st.namelen());    // namelen
        s.set(JAVA_INT_UNALIGNED, o + 48, st.frsize());     // frsize
        s.asSlice(o + 52, 28).fill((byte) 0);               // padding, spare[6]
    }

    /**
     * {@code struct fuse_dirent} at {@code o}, name and zero padding included; returns its aligned size.
     * {@code type} is the S_IFMT bits of the mode shifted down 12, as dirent's d_type.
     */
    public static long dirent(MemorySegment s, long o, long ino, long nextOffset, int type, byte[] name) {
        s.set(JAVA_LONG_UNALIGNED, o, ino);                     // ino
        s.set(JAVA_LONG_UNALIGNED, o + 8, nextOffset);          // off: the cookie of the next entry
        s.set(JAVA_INT_UNALIGNED, o + 16, name.length);         // namelen
        s.set(JAVA_INT_UNALIGNED, o + 20, type);                // type
        MemorySegment.copy(MemorySegment.ofArray(name), 0, s, o + DIRENT_NAME_OFFSET, name.length);
        long size = align8(DIRENT_NAME_OFFSET + name.length);
        s.asSlice(o + DIRENT_NAME_OFFSET + name.length, size - DIRENT_NAME_OFFSET - name.length).fill((byte) 0);
        return size;
    }
}

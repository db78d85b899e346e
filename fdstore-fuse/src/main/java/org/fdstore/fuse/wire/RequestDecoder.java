package org.fdstore.fuse.wire;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.fuse.FuseContext;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.fuse.InitFlags;
import org.fdstore.fuse.InitResult;

/**
 * Decodes one message read from /dev/fuse into a {@link FuseRequest}: the 40-byte {@code fuse_in_header}, the
 * opcode's arguments, and the request extensions at the end ({@code total_extlen}). Layouts are those of
 * include/uapi/linux/fuse.h, protocol 7.45; struct sizes are commented where they are checked.
 *
 * <p>Nothing the kernel sends is trusted: lengths are checked before anything is read, and every failure is a
 * {@link MalformedRequestException}. Names are copied out; only {@link FuseRequest.Write#data()} stays a view of the
 * message.
 *
 * <p>Internal: not API. Stateless and thread safe.
 */
public final class RequestDecoder {
    /** {@code enum fuse_ext_type}: FUSE_EXT_GROUPS. Types up to 31 are security contexts, skipped. */
    static final int EXT_GROUPS = 32;

    private RequestDecoder() {}

    /**
     * Decodes {@code message}, exactly the bytes one read(2) returned, as agreed in {@code agreed} (null before
     * INIT: nothing agreed yet).
     */
    public static FuseRequest decode(MemorySegment message, InitResult agreed) throws MalformedRequestException {
        long size = message.byteSize();
        if (size < InHeader.SIZE) {
            throw new MalformedRequestException("request of " + size + " bytes is shorter than fuse_in_header");
        }
        InHeader h = InHeader.read(message);
        String what = Opcode.name(h.opcode()) + " unique=" + h.unique();
        if (Integer.toUnsignedLong(h.len()) != size) {
            throw new MalformedRequestException(what + ": header len " + Integer.toUnsignedLong(h.len())
                    + " but " + size + " bytes read");
        }
        long extBytes = 8L * h.totalExtlen();
        if (extBytes > size - InHeader.SIZE) {
            throw new MalformedRequestException(what + ": " + extBytes + " extension bytes in a request of " + size);
        }
        MemorySegment args = message.asSlice(InHeader.SIZE, size - InHeader.SIZE - extBytes);
        List<Integer> groups = extensions(message.asSlice(size - extBytes, extBytes), what);
        FuseContext c = new FuseContext(h.unique(), h.nodeId(), h.uid(), h.gid(), h.pid(), groups);
        return body(h.opcode(), c, new WireReader(args, what), agreed);
    }

    private static FuseRequest body(int opcode, FuseContext c, WireReader r, InitResult agreed)
            throws MalformedRequestException {
        return switch (opcode) {
            case Opcode.INIT -> init(c, r);
            case Opcode.LOOKUP -> new FuseRequest.Lookup(c, r.cstring("name"));
            case Opcode.FORGET -> {
                r.need(8, "fuse_forget_in");
                yield new FuseRequest.Forget(c, r.u64());
            }
            case Opcode.BATCH_FORGET -> batchForget(c, r);
            case Opcode.GETATTR -> {
                r.need(16, "fuse_getattr_in");
                int flags = r.u32();
                r.skip(4);
                yield new FuseRequest.Getattr(c, flags, r.u64());
            }
            case Opcode.STATX -> {
                r.need(24, "fuse_statx_in");
                int getattrFlags = r.u32();
                r.skip(4);
                yield new FuseRequest.Statx(c, getattrFlags, r.u64(), r.u32(), r.u32());
            }
            case Opcode.SETATTR -> setattr(c, r);
            case Opcode.READLINK -> new FuseRequest.Readlink(c);
            case Opcode.SYMLINK -> new FuseRequest.Symlink(c, r.cstring("name"), r.cstring("target"));
            case Opcode.MKNOD -> {
                r.need(16, "fuse_mknod_in");
                int mode = r.u32();
                int rdev = r.u32();
                int umask = r.u32();
                r.skip(4);
                yield new FuseRequest.Mknod(c, mode, rdev, umask, r.cstring("name"));
            }
            case Opcode.MKDIR -> {
                r.need(8, "fuse_mkdir_in");
                int mode = r.u32();
                yield new FuseRequest.Mkdir(c, mode, r.u32(), r.cstring("name"));
            }
            case Opcode.UNLINK -> new FuseRequest.Unlink(c, r.cstring("name"));
            case Opcode.RMDIR -> new FuseRequest.Rmdir(c, r.cstring("name"));
            case Opcode.RENAME -> {
                r.need(8, "fuse_rename_in");
                long newDir = r.u64();
                yield new FuseRequest.Rename(c, newDir, r.cstring("oldname"), r.cstring("newname"));
            }
            case Opcode.RENAME2 -> {
                r.need(16, "fuse_rename2_in");
                long newDir = r.u64();
                int flags = r.u32();
                r.skip(4);
                yield new FuseRequest.Rename2(c, newDir, flags, r.cstring("oldname"), r.cstring("newname"));
            }
            case Opcode.LINK -> {
                r.need(8, "fuse_link_in");
                long old = r.u64();
                yield new FuseRequest.Link(c, old, r.cstring("newname"));
            }
            case Opcode.OPEN -> {
                r.need(8, "fuse_open_in");
                yield new FuseRequest.Open(c, r.u32(), r.u32());
            }
            case Opcode.OPENDIR -> {
                r.need(8, "fuse_open_in");
                yield new FuseRequest.Opendir(c, r.u32(), r.u32());
            }
            case Opcode.READ -> {
                r.need(40, "fuse_read_in");
                long fh = r.u64();
                long offset = r.u64();
                int size = r.u32();
                int readFlags = r.u32();
                long lockOwner = r.u64();
                yield new FuseRequest.Read(c, fh, offset, size, readFlags, lockOwner, r.u32());
            }
            case Opcode.WRITE -> write(c, r);
            case Opcode.STATFS -> new FuseRequest.Statfs(c);
            case Opcode.RELEASE, Opcode.RELEASEDIR -> {
                r.need(24, "fuse_release_in");
                long fh = r.u64();
                int flags = r.u32();
                int releaseFlags = r.u32();
                long lockOwner = r.u64();
                yield opcode == Opcode.RELEASE
                        ? new FuseRequest.Release(c, fh, flags, releaseFlags, lockOwner)
                        : new FuseRequest.Releasedir(c, fh, flags, releaseFlags, lockOwner);
            }
            case Opcode.FSYNC, Opcode.FSYNCDIR -> {
                r.need(16, "fuse_fsync_in");
                long fh = r.u64();
                int flags = r.u32();
                yield opcode == Opcode.FSYNC ? new FuseRequest.Fsync(c, fh, flags) : new FuseRequest.Fsyncdir(c, fh, flags);
            }
            case Opcode.FLUSH -> {
                r.need(24, "fuse_flush_in");
                long fh = r.u64();
                r.skip(8);
                yield new FuseRequest.Flush(c, fh, r.u64());
            }
            case Opcode.SETXATTR -> setxattr(c, r, agreed != null && agreed.has(InitFlags.SETXATTR_EXT));
            case Opcode.GETXATTR -> {
                r.need(8, "fuse_getxattr_in");
                int size = r.u32();
                r.skip(4);
                yield new FuseRequest.Getxattr(c, r.cstring("name"), size);
            }
            case Opcode.LISTXATTR -> {
                r.need(8, "fuse_getxattr_in");
                yield new FuseRequest.Listxattr(c, r.u32());
            }
            case Opcode.REMOVEXATTR -> new FuseRequest.Removexattr(c, r.cstring("name"));
            case Opcode.READDIR, Opcode.READDIRPLUS -> {
                r.need(40, "fuse_read_in");
                long fh = r.u64();
                long offset = r.u64();
                int size = r.u32();
                yield opcode == Opcode.READDIR
                        ? new FuseRequest.Readdir(c, fh, offset, size)
                        : new FuseRequest.Readdirplus(c, fh, offset, size);
            }
            case Opcode.ACCESS -> {
                r.need(8, "fuse_access_in");
                yield new FuseRequest.Access(c, r.u32());
            }
            case Opcode.CREATE -> {
                r.need(16, "fuse_create_in");
                int flags = r.u32();
                int mode = r.u32();
                int umask = r.u32();
                int openFlags = r.u32();
                yield new FuseRequest.Create(c, flags, mode, umask, openFlags, r.cstring("name"));
            }
            case Opcode.FALLOCATE -> {
                r.need(32, "fuse_fallocate_in");
                yield new FuseRequest.Fallocate(c, r.u64(), r.u64(), r.u64(), r.u32());
            }
            case Opcode.LSEEK -> {
                r.need(24, "fuse_lseek_in");
                yield new FuseRequest.Lseek(c, r.u64(), r.u64(), r.u32());
            }
            case Opcode.COPY_FILE_RANGE, Opcode.COPY_FILE_RANGE_64 -> {
                r.need(56, "fuse_copy_file_range_in");
                yield new FuseRequest.CopyFileRange(c, r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(),
                        r.u64(), opcode == Opcode.COPY_FILE_RANGE_64);
            }
            case Opcode.INTERRUPT -> {
                r.need(8, "fuse_interrupt_in");
                yield new FuseRequest.Interrupt(c, r.u64());
            }
            case Opcode.DESTROY -> new FuseRequest.Destroy(c);
            default -> new FuseRequest.Unknown(c, opcode);
        };
    }

    private static FuseRequest init(FuseContext c, WireReader r) throws MalformedRequestException {
        r.need(8, "fuse_init_in major and minor");
        int major = r.u32();
        int minor = r.u32();
        if (major != 7) return new FuseRequest.Init(c, major, minor, 0, 0);
        r.need(8, "fuse_init_in (7.6)");
        int maxReadahead = r.u32();
        long flags = Integer.toUnsignedLong(r.u32());
        if ((flags & InitFlags.INIT_EXT) != 0 && r.remaining() >= 4) {
            flags |= Integer.toUnsignedLong(r.u32()) << 32;    // flags2
        }
        return new FuseRequest.Init(c, major, minor, maxReadahead, flags);
    }

    private static FuseRequest batchForget(FuseContext c, WireReader r) throws MalformedRequestException {
        r.need(8, "fuse_batch_forget_in");
        long count = Integer.toUnsignedLong(r.u32());
        r.skip(4);
        r.need(16 * count, count + " fuse_forget_one");
        List<FuseRequest.Forgotten> nodes = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) nodes.add(new FuseRequest.Forgotten(r.u64(), r.u64()));
        return new FuseRequest.BatchForget(c, nodes);
    }

    private static FuseRequest setattr(FuseContext c, WireReader r) throws MalformedRequestException {
        r.need(88, "fuse_setattr_in");
        int valid = r.u32();
        r.skip(4);
        long fh = r.u64();
        long size = r.u64();
        long lockOwner = r.u64();
        long atime = r.u64();
        long mtime = r.u64();
        long ctime = r.u64();
        int atimeNsec = r.u32();
        int mtimeNsec = r.u32();
        int ctimeNsec = r.u32();
        int mode = r.u32();
        r.skip(4);
        int uid = r.u32();
        int gid = r.u32();
        return new FuseRequest.Setattr(c, valid, fh, size, lockOwner, atime, atimeNsec, mtime, mtimeNsec,
                ctime, ctimeNsec, mode, uid, gid);
    }

    private static FuseRequest write(FuseContext c, WireReader r) throws MalformedRequestException {
        r.need(40, "fuse_write_in");
        long fh = r.u64();
        long offset = r.u64();
        int size = r.u32();
        int writeFlags = r.u32();
        long lockOwner = r.u64();
        int flags = r.u32();
        r.skip(4);
        MemorySegment data = r.slice(Integer.toUnsignedLong(size), "write data").asReadOnly();
        return new FuseRequest.Write(c, fh, offset, size, writeFlags, lockOwner, flags, data);
    }

    private static FuseRequest setxattr(FuseContext c, WireReader r, boolean ext) throws MalformedRequestException {
        // FUSE_COMPAT_SETXATTR_IN_SIZE is 8; with SETXATTR_EXT the kernel sends the 16-byte struct.
        r.need(ext ? 16 : 8, ext ? "fuse_setxattr_in" : "fuse_setxattr_in (compat)");
        int size = r.u32();
        int flags = r.u32();
        int setxattrFlags = 0;
        if (ext) {
            setxattrFlags = r.u32();
            r.skip(4);
        }
        byte[] name = r.cstring("name");
        return new FuseRequest.Setxattr(c, name, r.bytes(Integer.toUnsignedLong(size), "value"), flags, setxattrFlags);
    }

    /** The supplementary groups of a FUSE_EXT_GROUPS extension, if any; other extensions are skipped. */
    private static List<Integer> extensions(MemorySegment ext, String what) throws MalformedRequestException {
        WireReader r = new WireReader(ext, what + " extensions");
        List<Integer> groups = List.of();
        while (r.remaining() > 0) {
            r.need(8, "fuse_ext_header");
            long size = Integer.toUnsignedLong(r.u32());
            int type = r.u32();
            long padded = StructWriter.align8(size);
            if (size < 8 || padded - 8 > r.remaining()) {
                throw new MalformedRequestException(what + ": extension of " + size + " bytes with "
                        + (r.remaining() + 8) + " left");
            }
            if (type == EXT_GROUPS) {
                WireReader g = new WireReader(ext.asSlice(ext.byteSize() - r.remaining(), size - 8), what + " groups");
                long count = Integer.toUnsignedLong(g.u32());
                g.need(4 * count, count + " supplementary groups");
                List<Integer> list = new ArrayList<>((int) count);
                for (long i = 0; i < count; i++) list.add(g.u32());
                groups = list;
            }
            r.skip(padded - 8);
        }
        return groups;
    }
}

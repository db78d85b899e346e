package org.fdstore.fuse.wire;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import org.fdstore.fuse.FuseReply;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.linux.Errno;

/**
 * Encodes a {@link FuseReply} to the request it answers: {@code fuse_out_header} then the opcode's
 * {@code fuse_*_out} (include/uapi/linux/fuse.h, 7.45). The kernel rejects a reply whose size is not the one it
 * expects (EINVAL on the write), so each pairing is checked here first: {@link #size} throws
 * {@link IllegalArgumentException} naming both sides when the reply does not answer the request.
 *
 * <p>This is the only place that negates an errno. Internal: not API. Stateless and thread safe.
 */
public final class ReplyEncoder {
    private ReplyEncoder() {}

    /**
     * The reply the kernel should get for what the handler returned: a value bigger than the GETXATTR/LISTXATTR
     * size becomes ERANGE, and a value for a size-0 query becomes its size.
     */
    public static FuseReply normalize(FuseRequest request, FuseReply reply) {
        int limit = switch (request) {
            case FuseRequest.Getxattr g -> g.size();
            case FuseRequest.Listxattr l -> l.size();
            default -> -1;
        };
        if (limit >= 0 && reply instanceof FuseReply.Data(MemorySegment bytes)) {
            if (limit == 0) return new FuseReply.XattrSize((int) bytes.byteSize());
            if (bytes.byteSize() > Integer.toUnsignedLong(limit)) return new FuseReply.Error(Errno.ERANGE);
        }
        return reply;
    }

    /**
     * The bytes the reply takes, header included; 0 for {@link FuseReply.None}.
     *
     * @throws IllegalArgumentException if the reply does not answer the request
     */
    public static int size(FuseRequest request, FuseReply reply) {
        int h = StructWriter.OUT_HEADER_SIZE;
        boolean fits = switch (reply) {
            case FuseReply.None n -> request instanceof FuseRequest.Forget || request instanceof FuseRequest.BatchForget
                    || request instanceof FuseRequest.Interrupt;
            case FuseReply.Error e -> true;
            case FuseReply.Ok o -> switch (request) {
                case FuseRequest.Unlink x -> true;
                case FuseRequest.Rmdir x -> true;
                case FuseRequest.Rename x -> true;
                case FuseRequest.Rename2 x -> true;
                case FuseRequest.Release x -> true;
                case FuseRequest.Releasedir x -> true;
                case FuseRequest.Fsync x -> true;
                case FuseRequest.Fsyncdir x -> true;
                case FuseRequest.Flush x -> true;
                case FuseRequest.Setxattr x -> true;
                case FuseRequest.Removexattr x -> true;
                case FuseRequest.Access x -> true;
                case FuseRequest.Fallocate x -> true;
                case FuseRequest.Destroy x -> true;
                default -> false;
            };
            case FuseReply.Entry e -> request instanceof FuseRequest.Lookup || request instanceof FuseRequest.Mknod
                    || request instanceof FuseRequest.Mkdir || request instanceof FuseRequest.Symlink
                    || request instanceof FuseRequest.Link;
            case FuseReply.Attr a -> request instanceof FuseRequest.Getattr || request instanceof FuseRequest.Setattr;
            case FuseReply.Open o -> request instanceof FuseRequest.Open || request instanceof FuseRequest.Opendir;
            case FuseReply.Create c -> request instanceof FuseRequest.Create;
            case FuseReply.Written w -> request instanceof FuseRequest.Write
                    || request instanceof FuseRequest.CopyFileRange c && (c.wide() || w.size() <= 0xffffffffL);
            case FuseReply.Data d -> switch (request) {
                case FuseRequest.Read r -> d.bytes().byteSize() <= Integer.toUnsignedLong(r.size());
                case FuseRequest.Readlink r -> true;
                case FuseRequest.Getxattr g -> d.bytes().byteSize() <= Integer.toUnsignedLong(g.size());
                case FuseRequest.Listxattr l -> d.bytes().byteSize() <= Integer.toUnsignedLong(l.size());
                default -> false;
            };
            case FuseReply.XattrSize x -> request instanceof FuseRequest.Getxattr g && g.size() == 0
                    || request instanceof FuseRequest.Listxattr l && l.size() == 0;
            case FuseReply.Statfs s -> request instanceof FuseRequest.Statfs;
            case FuseReply.Lseek l -> request instanceof FuseRequest.Lseek;
            case FuseReply.Directory d -> switch (request) {
                case FuseRequest.Readdir r -> !d.entries().isPlus() && d.entries().size() <= r.size();
                case FuseRequest.Readdirplus r -> d.entries().isPlus() && d.entries().size() <= r.size();
                default -> false;
            };
        };
        if (!fits) {
            throw new IllegalArgumentException("reply " + describe(reply) + " does not answer "
                    + request.getClass().getSimpleName().toUpperCase());
        }
        long size = switch (reply) {
            case FuseReply.None n -> 0;
            case FuseReply.Error e -> h;
            case FuseReply.Ok o -> h;
            case FuseReply.Entry e -> h + StructWriter.ENTRY_OUT_SIZE;
            case FuseReply.Attr a -> h + StructWriter.ATTR_OUT_SIZE;
            case FuseReply.Open o -> h + StructWriter.OPEN_OUT_SIZE;
            case FuseReply.Create c -> h + StructWriter.ENTRY_OUT_SIZE + StructWriter.OPEN_OUT_SIZE;
            case FuseReply.Written w -> h + StructWriter.SMALL_OUT_SIZE;
            case FuseReply.Data d -> h + d.bytes().byteSize();
            case FuseReply.XattrSize x -> h + StructWriter.SMALL_OUT_SIZE;
            case FuseReply.Statfs s -> h + StructWriter.STATFS_OUT_SIZE;
            case FuseReply.Lseek l -> h + StructWriter.SMALL_OUT_SIZE;
            case FuseReply.Directory d -> h + d.entries().size();
        };
        if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("reply of " + size + " bytes");
        return (int) size;
    }

    /** Writes the reply into {@code out}, which must hold {@link #size} bytes; returns that size. */
    public static int encode(FuseRequest request, FuseReply reply, MemorySegment out) {
        int length = size(request, reply);
        if (length == 0) return 0;
        long unique = request.context().unique();
        int h = StructWriter.OUT_HEADER_SIZE;
        switch (reply) {
            case FuseReply.None n -> { }
            case FuseReply.Error e -> {
                return error(unique, e.errno(), out);
            }
            case FuseReply.Ok o -> { }
            case FuseReply.Entry e -> StructWriter.entryOut(out, h, e.entry());
            case FuseReply.Attr a -> StructWriter.attrOut(out, h, a.attr(), a.timeout());
            case FuseReply.Open o -> StructWriter.openOut(out, h, o);
            case FuseReply.Create c -> {
                StructWriter.entryOut(out, h, c.entry());
                StructWriter.openOut(out, h + StructWriter.ENTRY_OUT_SIZE, c.open());
            }
            case FuseReply.Written w -> {
                if (request instanceof FuseRequest.CopyFileRange cfr && cfr.wide()) {
                    out.set(JAVA_LONG_UNALIGNED, h, w.size());          // fuse_copy_file_range_out.bytes_copied
                } else {
                    out.set(JAVA_INT_UNALIGNED, h, (int) w.size());     // fuse_write_out.size
                    out.set(JAVA_INT_UNALIGNED, h + 4, 0);              // padding
                }
            }
            case FuseReply.Data d -> MemorySegment.copy(d.bytes(), 0, out, h, d.bytes().byteSize());
            case FuseReply.XattrSize x -> {
                out.set(JAVA_INT_UNALIGNED, h, x.size());               // fuse_getxattr_out.size
                out.set(JAVA_INT_UNALIGNED, h + 4, 0);                  // padding
            }
            case FuseReply.Statfs s -> StructWriter.statfsOut(out, h, s.statfs());
            case FuseReply.Lseek l -> out.set(JAVA_LONG_UNALIGNED, h, l.offset());  // fuse_lseek_out.offset
            case FuseReply.Directory d -> MemorySegment.copy(d.entries().contents(), 0, out, h, d.entries().size());
        }
        StructWriter.outHeader(out, length, 0, unique);
        return length;
    }

    /** An error reply (header only; the kernel rejects a payload after an error). UNKNOWN is sent as EIO. */
    public static int error(long unique, Errno errno, MemorySegment out) {
        int number = errno == Errno.UNKNOWN ? Errno.EIO.number() : errno.number();
        StructWriter.outHeader(out, StructWriter.OUT_HEADER_SIZE, -number, unique);
        return StructWriter.OUT_HEADER_SIZE;
    }

    private static String describe(FuseReply reply) {
        return reply.getClass().getSimpleName().toLowerCase();
    }
}

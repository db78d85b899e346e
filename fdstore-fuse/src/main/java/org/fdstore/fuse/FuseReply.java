package org.fdstore.fuse;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import org.fdstore.linux.Errno;

/**
 * The answer of a {@link FuseFilesystem} to one request, built by the static factories below; the session encodes
 * it as {@code fuse_out_header} plus the opcode's {@code fuse_*_out} (include/uapi/linux/fuse.h, 7.45).
 *
 * <p>Each request type accepts certain replies: {@link #error} answers anything; {@link #entry} answers LOOKUP,
 * MKNOD, MKDIR, SYMLINK and LINK; {@link #attr} GETATTR and SETATTR; {@link #open} OPEN and OPENDIR; {@link #create}
 * CREATE; {@link #written} WRITE and COPY_FILE_RANGE; {@link #data} READ, READLINK, GETXATTR and LISTXATTR (a value
 * bigger than the request's size becomes ERANGE for the xattr requests); {@link #xattrSize} GETXATTR and LISTXATTR
 * asked with size 0; {@link #statfs} STATFS; {@link #lseek} LSEEK; {@link #directory} READDIR and READDIRPLUS;
 * {@link #ok} every request whose reply has no payload; {@link #none} FORGET, BATCH_FORGET and INTERRUPT. Any other
 * pairing is a bug of the filesystem: the session answers EIO and logs it.
 *
 * <p>Errors are given as positive {@link Errno}s; only the encoder negates them. A {@link #data} reply over a
 * segment or buffer reads it when the reply is encoded, on the reader thread, right after the handler returns: the
 * memory must still be alive then (heap memory, an automatic arena, or a buffer the filesystem keeps per thread;
 * never a confined arena the handler already closed). Immutable otherwise; thread safe.
 */
public sealed interface FuseReply {
    /** No reply at all: for FORGET, BATCH_FORGET and INTERRUPT. */
    record None() implements FuseReply {}

    /** Success without payload. */
    record Ok() implements FuseReply {}

    /** Failure with {@code errno} (UNKNOWN is sent as EIO). */
    record Error(Errno errno) implements FuseReply {}

    /** {@code fuse_entry_out}. */
    record Entry(FuseEntry entry) implements FuseReply {}

    /** {@code fuse_attr_out}. */
    record Attr(FuseAttr attr, Duration timeout) implements FuseReply {}

    /** {@code fuse_open_out}: {@code backingId} is non-zero only with FOPEN_PASSTHROUGH. */
    record Open(long fh, int openFlags, int backingId) implements FuseReply {}

    /** {@code fuse_entry_out} then {@code fuse_open_out}. */
    record Create(FuseEntry entry, Open open) implements FuseReply {}

    /** {@code fuse_write_out}, or {@code fuse_copy_file_range_out} for COPY_FILE_RANGE_64. */
    record Written(long size) implements FuseReply {}

    /** Raw bytes: file data, a link target, an xattr value or name list. */
    record Data(MemorySegment bytes) implements FuseReply {}

    /** {@code fuse_getxattr_out}: the size of the value or list. */
    record XattrSize(int size) implements FuseReply {}

    /** {@code fuse_statfs_out}. */
    record Statfs(FuseStatfs statfs) implements FuseReply {}

    /** {@code fuse_lseek_out}. */
    record Lseek(long offset) implements FuseReply {}

    /** A buffer of {@code fuse_dirent} or {@code fuse_direntplus}. */
    record Directory(DirentBuffer entries) implements FuseReply {}

    /** No reply: the answer to FORGET, BATCH_FORGET and INTERRUPT. */
    static FuseReply none() {
        return new None();
    }

    /** Success with no payload (UNLINK, RMDIR, RENAME, RELEASE, FSYNC, FLUSH, SETXATTR, ACCESS...). */
    static FuseReply ok() {
        return new Ok();
    }

    /** Failure with {@code errno}. */
    static FuseReply error(Errno errno) {
        return new Error(Objects.requireNonNull(errno, "errno"));
    }

    /** A resolved name; see {@link FuseEntry} for the lookup count it implies. */
    static FuseReply entry(FuseEntry entry) {
        return new Entry(Objects.requireNonNull(entry, "entry"));
    }

    /** Attributes the kernel may cache for {@code timeout}. */
    static FuseReply attr(FuseAttr attr, Duration timeout) {
        return new Attr(Objects.requireNonNull(attr, "attr"), Objects.requireNonNull(timeout, "timeout"));
    }

    /** An open file or directory handle {@code fh} with {@link FopenFlags} {@code openFlags}. */
    static FuseReply open(long fh, int openFlags) {
        return new Open(fh, openFlags & ~FopenFlags.PASSTHROUGH, 0);
    }

    /**
     * An open file whose reads and writes the kernel sends to the backing file registered as {@code backingId}
     * (from {@code Ioctl.backingOpen}); FOPEN_PASSTHROUGH is added. Needs PASSTHROUGH in the INIT result.
     */
    static FuseReply openPassthrough(long fh, int openFlags, int backingId) {
        if (backingId <= 0) throw new IllegalArgumentException("backing id must be > 0, got " + backingId);
        return new Open(fh, openFlags | FopenFlags.PASSTHROUGH, backingId);
    }

    /** A created and opened file. */
    static FuseReply create(FuseEntry entry, long fh, int openFlags) {
        return new Create(Objects.requireNonNull(entry, "entry"), new Open(fh, openFlags & ~FopenFlags.PASSTHROUGH, 0));
    }

    /** A created file opened in passthrough mode, like {@link #openPassthrough}. */
    static FuseReply createPassthrough(FuseEntry entry, long fh, int openFlags, int backingId) {
        if (backingId <= 0) throw new IllegalArgumentException("backing id must be > 0, got " + backingId);
        return new Create(Objects.requireNonNull(entry, "entry"),
                new Open(fh, openFlags | FopenFlags.PASSTHROUGH, backingId));
    }

    /** The byte count a WRITE or COPY_FILE_RANGE achieved. */
    static FuseReply written(long size) {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0, got " + size);
        return new Written(size);
    }

    /** Bytes, copied when the reply is encoded. */
    static FuseReply data(byte[] bytes) {
        return new Data(MemorySegment.ofArray(bytes.clone()));
    }

    /** The remaining bytes of {@code buffer}, read when the reply is sent: do not change or free it before. */
    static FuseReply data(ByteBuffer buffer) {
        return new Data(MemorySegment.ofBuffer(buffer));
    }

    /** The bytes of {@code segment}, read when the reply is sent: its memory must outlive the handler call. */
    static FuseReply data(MemorySegment segment) {
        return new Data(Objects.requireNonNull(segment, "segment"));
    }

    /** A symbolic link's target, without a terminating NUL. */
    static FuseReply readlink(byte[] target) {
        return data(target);
    }

    /** An xattr value, or a list of NUL-terminated names for LISTXATTR. */
    static FuseReply xattr(byte[] value) {
        return data(value);
    }

    /** The size of an xattr value or list, for a GETXATTR or LISTXATTR asked with size 0. */
    static FuseReply xattrSize(int size) {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0, got " + size);
        return new XattrSize(size);
    }

    /** Filesystem statistics. */
    static FuseReply statfs(FuseStatfs statfs) {
        return new Statfs(Objects.requireNonNull(statfs, "statfs"));
    }

    /** The offset an LSEEK found. */
    static FuseReply lseek(long offset) {
        return new Lseek(offset);
    }

    /** Directory entries filled into a {@link DirentBuffer} made for this READDIR or READDIRPLUS. */
    static FuseReply directory(DirentBuffer entries) {
        return new Directory(Objects.requireNonNull(entries, "entries"));
    }
}

package org.fdstore.fuse;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One request of the FUSE kernel protocol (include/uapi/linux/fuse.h, 7.45): one record per opcode, each carrying the
 * shared {@link FuseContext}, decoded from {@code fuse_in_header} and the opcode's own {@code fuse_*_in}.
 *
 * <p>Names are the raw bytes the kernel sent, without the terminating NUL: Linux file names are bytes, not text,
 * and a passthrough hands them to openat unchanged, so they are never decoded. Byte arrays belong to the request: do
 * not modify them. {@link Write#data()} is a read-only view of the session's read buffer, valid only until
 * {@link FuseFilesystem#handle} returns: copy what must outlive the call.
 *
 * <p>Records are immutable apart from those arrays; thread safe to read.
 */
public sealed interface FuseRequest {
    /** The header fields and extensions common to all requests. */
    FuseContext context();

    /** INIT (26): handled by the session itself; a filesystem never sees it. */
    record Init(FuseContext context, int major, int minor, int maxReadahead, long flags) implements FuseRequest {}

    /** LOOKUP (1): resolve {@code name} in directory {@code context().nodeId()}. */
    record Lookup(FuseContext context, byte[] name) implements FuseRequest {}

    /** FORGET (2): the kernel drops {@code nlookup} lookups of the node. No reply. */
    record Forget(FuseContext context, long nlookup) implements FuseRequest {}

    /** BATCH_FORGET (42): several FORGETs at once. No reply. */
    record BatchForget(FuseContext context, List<Forgotten> nodes) implements FuseRequest {
        public BatchForget {
            nodes = List.copyOf(nodes);
        }
    }

    /** One element of {@link BatchForget}: {@code struct fuse_forget_one}. */
    record Forgotten(long nodeId, long nlookup) {}

    /** GETATTR (3); {@code fh} is valid when {@code flags} has FUSE_GETATTR_FH (1). */
    record Getattr(FuseContext context, int flags, long fh) implements FuseRequest {
        public static final int GETATTR_FH = 1;
    }

    /** STATX (52): answer ENOSYS and the kernel falls back to GETATTR for good. */
    record Statx(FuseContext context, int getattrFlags, long fh, int sxFlags, int sxMask) implements FuseRequest {}

    /** SETATTR (4): change the attributes whose {@code FATTR_*} bit is set in {@code valid}. */
    record Setattr(FuseContext context, int valid, long fh, long size, long lockOwner,
                   long atime, int atimeNsec, long mtime, int mtimeNsec, long ctime, int ctimeNsec,
                   int mode, int uid, int gid) implements FuseRequest {
        public static final int FATTR_MODE = 1 << 0;
        public static final int FATTR_UID = 1 << 1;
        public static final int FATTR_GID = 1 << 2;
        public static final int FATTR_SIZE = 1 << 3;
        public static final int FATTR_ATIME = 1 << 4;
        public static final int FATTR_MTIME = 1 << 5;
        public static final int FATTR_FH = 1 << 6;
        public static final int FATTR_ATIME_NOW = 1 << 7;
        public static final int FATTR_MTIME_NOW = 1 << 8;
        public static final int FATTR_LOCKOWNER = 1 << 9;
        public static final int FATTR_CTIME = 1 << 10;
        public static final int FATTR_KILL_SUIDGID = 1 << 11;

        /** Whether {@code valid} has every bit of {@code fattr}. */
        public boolean has(int fattr) {
            return (valid & fattr) == fattr;
        }
    }

    /** READLINK (5). */
    record Readlink(FuseContext context) implements FuseRequest {}

    /** SYMLINK (6): create {@code name} in the directory, pointing at {@code target}. */
    record Symlink(FuseContext context, byte[] name, byte[] target) implements FuseRequest {}

    /** MKNOD (8): {@code mode} includes the file type; with DONT_MASK the filesystem applies {@code umask}. */
    record Mknod(FuseContext context, int mode, int rdev, int umask, byte[] name) implements FuseRequest {}

    /** MKDIR (9). */
    record Mkdir(FuseContext context, int mode, int umask, byte[] name) implements FuseRequest {}

    /** UNLINK (10). */
    record Unlink(FuseContext context, byte[] name) implements FuseRequest {}

    /** RMDIR (11). */
    record Rmdir(FuseContext context, byte[] name) implements FuseRequest {}

    /** RENAME (12): {@code oldName} in the node's directory becomes {@code newName} in {@code newDir}. */
    record Rename(FuseContext context, long newDir, byte[] oldName, byte[] newName) implements FuseRequest {}

    /** RENAME2 (45): RENAME with renameat2 flags (RENAME_NOREPLACE 1, RENAME_EXCHANGE 2, RENAME_WHITEOUT 4). */
    record Rename2(FuseContext context, long newDir, int flags, byte[] oldName, byte[] newName)
            implements FuseRequest {}

    /** LINK (13): a new name {@code newName} in the node's directory for node {@code oldNodeId}. */
    record Link(FuseContext context, long oldNodeId, byte[] newName) implements FuseRequest {}

    /** OPEN (14): {@code flags} are open(2)'s; {@code openFlags} are {@code FopenFlags.REQUEST_*}. */
    record Open(FuseContext context, int flags, int openFlags) implements FuseRequest {}

    /** READ (15): at most {@code size} bytes at {@code offset}. */
    record Read(FuseContext context, long fh, long offset, int size, int readFlags, long lockOwner, int flags)
            implements FuseRequest {}

    /** WRITE (16): {@code data} holds {@code size} bytes; valid only during the handler call. */
    record Write(FuseContext context, long fh, long offset, int size, int writeFlags, long lockOwner, int flags,
                 MemorySegment data) implements FuseRequest {
        public static final int WRITE_CACHE = 1 << 0;
        public static final int WRITE_LOCKOWNER = 1 << 1;
        public static final int WRITE_KILL_SUIDGID = 1 << 2;
    }

    /** STATFS (17). */
    record Statfs(FuseContext context) implements FuseRequest {}

    /** RELEASE (18): the last close of an open file; the reply only ends the request. */
    record Release(FuseContext context, long fh, int flags, int releaseFlags, long lockOwner)
            implements FuseRequest {}

    /** FSYNC (20): {@code fsyncFlags} bit 0 is FUSE_FSYNC_FDATASYNC. */
    record Fsync(FuseContext context, long fh, int fsyncFlags) implements FuseRequest {}

    /** FLUSH (25): sent on every close(2) of a descriptor. */
    record Flush(FuseContext context, long fh, long lockOwner) implements FuseRequest {}

    /**
     * SETXATTR (21). {@code setxattrFlags} (FUSE_SETXATTR_ACL_KILL_SGID) is present only when SETXATTR_EXT was
     * agreed, and 0 otherwise.
     */
    record Setxattr(FuseContext context, byte[] name, byte[] value, int flags, int setxattrFlags)
            implements FuseRequest {}

    /** GETXATTR (22): {@code size} 0 asks for the value's size, else for the value (ERANGE if it does not fit). */
    record Getxattr(FuseContext context, byte[] name, int size) implements FuseRequest {}

    /** LISTXATTR (23): like GETXATTR, for the NUL-separated list of names. */
    record Listxattr(FuseContext context, int size) implements FuseRequest {}

    /** REMOVEXATTR (24). */
    record Removexattr(FuseContext context, byte[] name) implements FuseRequest {}

    /** OPENDIR (27). */
    record Opendir(FuseContext context, int flags, int openFlags) implements FuseRequest {}

    /** READDIR (28): fill at most {@code size} bytes of entries after the cookie {@code offset}. */
    record Readdir(FuseContext context, long fh, long offset, int size) implements FuseRequest {}

    /** READDIRPLUS (44): READDIR whose entries carry attributes and count as lookups. */
    record Readdirplus(FuseContext context, long fh, long offset, int size) implements FuseRequest {}

    /** RELEASEDIR (29). */
    record Releasedir(FuseContext context, long fh, int flags, int releaseFlags, long lockOwner)
            implements FuseRequest {}

    /** FSYNCDIR (30). */
    record Fsyncdir(FuseContext context, long fh, int fsyncFlags) implements FuseRequest {}

    /** ACCESS (34): access(2)'s {@code mask} (R_OK 4, W_OK 2, X_OK 1, F_OK 0). */
    record Access(FuseContext context, int mask) implements FuseRequest {}

    /** CREATE (35): create and open {@code name}; {@code openFlags} are {@code FopenFlags.REQUEST_*}. */
    record Create(FuseContext context, int flags, int mode, int umask, int openFlags, byte[] name)
            implements FuseRequest {}

    /** FALLOCATE (43): fallocate(2)'s {@code mode}. */
    record Fallocate(FuseContext context, long fh, long offset, long length, int mode) implements FuseRequest {}

    /** LSEEK (46): SEEK_DATA (3) and SEEK_HOLE (4) mostly; the kernel handles the rest itself. */
    record Lseek(FuseContext context, long fh, long offset, int whence) implements FuseRequest {}

    /**
     * COPY_FILE_RANGE (47), or COPY_FILE_RANGE_64 (53) when {@code wide}: the kernel tries the 64-bit form first
     * since 7.45. Answer both with {@link FuseReply#written(long)}; the session encodes the right reply.
     */
    record CopyFileRange(FuseContext context, long fhIn, long offIn, long nodeIdOut, long fhOut, long offOut,
                         long length, long flags, boolean wide) implements FuseRequest {}

    /** INTERRUPT (36): the caller of request {@code interruptedUnique} gave up. No reply; may be ignored. */
    record Interrupt(FuseContext context, long interruptedUnique) implements FuseRequest {}

    /** DESTROY (38): the filesystem is being unmounted (sent for fuseblk mounts); the session ends after it. */
    record Destroy(FuseContext context) implements FuseRequest {}

    /** Any opcode this framework does not decode; the session answers ENOSYS without calling the filesystem. */
    record Unknown(FuseContext context, int opcode) implements FuseRequest {}
}

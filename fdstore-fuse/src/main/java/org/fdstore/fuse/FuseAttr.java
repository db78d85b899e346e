package org.fdstore.fuse;

/**
 * A file's attributes as the kernel caches them: {@code struct fuse_attr} of include/uapi/linux/fuse.h (7.45).
 *
 * <p>Times are seconds and nanoseconds since the epoch. {@code mode} includes the file type bits (S_IFREG...).
 * {@code flags} takes FUSE_ATTR_SUBMOUNT / FUSE_ATTR_DAX; 0 for ordinary files.
 *
 * <p>Immutable and thread safe.
 */
public record FuseAttr(long ino, long size, long blocks,
                       long atime, int atimeNsec, long mtime, int mtimeNsec, long ctime, int ctimeNsec,
                       int mode, int nlink, int uid, int gid, int rdev, int blksize, int flags) {

    /** Attributes with all three times set to {@code epochSeconds}, 512-byte blocks counted from the size. */
    public static FuseAttr of(long ino, int mode, int nlink, long size, int uid, int gid, long epochSeconds) {
        return new FuseAttr(ino, size, (size + 511) / 512, epochSeconds, 0, epochSeconds, 0, epochSeconds, 0,
                mode, nlink, uid, gid, 0, 4096, 0);
    }
}

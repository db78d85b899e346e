package org.fdstore.fuse;

/**
 * Filesystem statistics for STATFS: {@code struct fuse_kstatfs} of include/uapi/linux/fuse.h (7.45), with the
 * meaning of statfs(2)'s fields.
 *
 * <p>Immutable and thread safe.
 */
public record FuseStatfs(long blocks, long bfree, long bavail, long files, long ffree,
                         int bsize, int namelen, int frsize) {}

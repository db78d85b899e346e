package org.fdstore.linux;

/**
 * A {@code struct statfs} (x86_64 layout), as statfs(2) and fstatfs(2) report a file system.
 *
 * <p>Immutable and thread safe.
 *
 * @param type    file system magic, e.g. {@link Statfs#TMPFS_MAGIC} (f_type)
 * @param bsize   optimal transfer block size (f_bsize)
 * @param blocks  total data blocks, in units of {@code frsize} (f_blocks)
 * @param bfree   free blocks (f_bfree)
 * @param bavail  free blocks available to an unprivileged user (f_bavail)
 * @param files   total inodes (f_files)
 * @param ffree   free inodes (f_ffree)
 * @param fsid    file system id (f_fsid): {@code val[0]} in the low 32 bits, {@code val[1]} in the high 32 bits
 * @param namelen longest file name (f_namelen)
 * @param frsize  fragment size, the unit of the block counts (f_frsize)
 * @param flags   mount flags ST_* (f_flags), e.g. {@link Statfs#ST_RDONLY}
 */
public record FsStats(long type, long bsize, long blocks, long bfree, long bavail, long files, long ffree, long fsid,
        long namelen, long frsize, long flags) {}

package org.fdstore.linux;

/**
 * The fields of {@code struct stat} that the project uses.
 *
 * @param dev  device of the file system holding the file
 * @param ino  inode number
 * @param mode file type and permission bits
 * @param uid  owner
 * @param gid  group
 * @param rdev device number, for device files
 * @param size size in bytes
 */
public record FileStat(long dev, long ino, int mode, int uid, int gid, long rdev, long size) {
    /** The file type bits of {@link #mode()}. */
    public int type() {
        return mode & Stat.S_IFMT;
    }

    /** Major number of {@link #rdev()}, as glibc's major(3). */
    public int rdevMajor() {
        return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
    }

    /** Minor number of {@link #rdev()}, as glibc's minor(3). */
    public int rdevMinor() {
        return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
    }
}

package org.fdstore.linux;

/**
 * The fields of {@code struct stat} (x86_64 layout), as fstat(2) and fstatat(2) report them.
 *
 * <p>Immutable and thread safe.
 *
 * @param dev       device of the file system holding the file
 * @param ino       inode number
 * @param nlink     number of hard links
 * @param mode      file type and permission bits
 * @param uid       owner
 * @param gid       group
 * @param rdev      device number, for device files
 * @param size      size in bytes (the target's length for a symbolic link)
 * @param blksize   preferred I/O block size
 * @param blocks    512-byte blocks allocated
 * @param atimeSec  last access, seconds
 * @param atimeNsec last access, nanoseconds
 * @param mtimeSec  last modification of the content, seconds
 * @param mtimeNsec last modification of the content, nanoseconds
 * @param ctimeSec  last status change, seconds
 * @param ctimeNsec last status change, nanoseconds
 */
public record FileStat(long dev, long ino, long nlink, int mode, int uid, int gid, long rdev, long size,
        long blksize, long blocks, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, long ctimeSec,
        long ctimeNsec) {
    /** The file type bits of {@link #mode()}. */
    public int type() {
        return mode & Stat.S_IFMT;
    }

    /** The permission bits of {@link #mode()}, including set-user-ID, set-group-ID and sticky. */
    public int permissions() {
        return mode & 07777;
    }

    /** Major number of {@link #dev()}: 0 for a file system on no block device (FUSE, NFS, tmpfs, proc...). */
    public int devMajor() {
        return major(dev);
    }

    /** Minor number of {@link #dev()}. */
    public int devMinor() {
        return minor(dev);
    }

    /** Major number of {@link #rdev()}, as glibc's major(3). */
    public int rdevMajor() {
        return major(rdev);
    }

    /** Minor number of {@link #rdev()}, as glibc's minor(3). */
    public int rdevMinor() {
        return minor(rdev);
    }

    private static int major(long device) {
        return (int) (((device >>> 8) & 0xfff) | ((device >>> 32) & ~0xfffL));
    }

    private static int minor(long device) {
        return (int) ((device & 0xff) | ((device >>> 12) & ~0xffL));
    }

    /** Last access time. */
    public Timespec atime() {
        return new Timespec(atimeSec, atimeNsec);
    }

    /** Last modification time. */
    public Timespec mtime() {
        return new Timespec(mtimeSec, mtimeNsec);
    }

    /** Last status change time. */
    public Timespec ctime() {
        return new Timespec(ctimeSec, ctimeNsec);
    }
}

package org.fdstore.linux;

/**
 * What an open descriptor refers to, for listings, errors and {@code inspect}.
 *
 * <p>Every valid descriptor can be described, whatever its file: what cannot be read is said so rather than failed
 * on. A file deeper than PATH_MAX has no path readlink can give, so its target is {@code <undescribable:
 * ENAMETOOLONG>}; a file of a FUSE mount that refuses the caller's stat (no allow_other, another owner: EACCES) is
 * of kind {@link FileKind#UNKNOWN} with no {@code stat}. Nothing here waits for a file system: attributes come from
 * the kernel's cache ({@link Stat#fstatNoSync}), so a FUSE server that never answers cannot stall the caller.
 *
 * @param kind      the kind of file
 * @param target    readlink of /proc/self/fd/N, e.g. {@code /tmp/db (deleted)} or {@code socket:[4711]}, or
 *                  {@code <undescribable: ERRNO>} when readlink fails
 * @param openFlags fcntl(F_GETFL)
 * @param stat      the descriptor's attributes as the kernel holds them, or null if they could not be read
 */
public record FdDescription(FileKind kind, String target, int openFlags, FileStat stat) {
    private static final int MISC_MAJOR = 10;
    private static final int FUSE_MINOR = 229;

    static FdDescription of(Fd fd) throws LinuxException {
        int openFlags = Fcntl.getFlags(fd);
        FileStat stat;
        try {
            stat = Stat.fstatNoSync(fd);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EBADF) throw e;
            stat = null;
        }
        String target;
        try {
            target = Unistd.readlink("/proc/self/fd/" + fd.number());
        } catch (LinuxException e) {
            target = undescribable(e.errno());
        }
        return new FdDescription(stat == null ? FileKind.UNKNOWN : kindOf(stat, target), target, openFlags, stat);
    }

    /** The target of a descriptor whose path readlink could not give, with the reason. */
    public static String undescribable(Errno why) {
        return "<undescribable: " + why.name() + ">";
    }

    private static FileKind kindOf(FileStat stat, String target) {
        if (target.startsWith("anon_inode:")) return FileKind.ANON_INODE;
        return switch (stat.type()) {
            case Stat.S_IFREG -> FileKind.REGULAR;
            case Stat.S_IFDIR -> FileKind.DIRECTORY;
            case Stat.S_IFSOCK -> FileKind.SOCKET;
            case Stat.S_IFIFO -> FileKind.PIPE;
            case Stat.S_IFLNK -> FileKind.SYMLINK;
            case Stat.S_IFBLK -> FileKind.BLOCK_DEVICE;
            case Stat.S_IFCHR -> stat.rdevMajor() == MISC_MAJOR && stat.rdevMinor() == FUSE_MINOR
                    ? FileKind.FUSE_CONNECTION : FileKind.CHARACTER_DEVICE;
            default -> FileKind.UNKNOWN;
        };
    }
}

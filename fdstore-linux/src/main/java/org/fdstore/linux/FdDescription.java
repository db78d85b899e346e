package org.fdstore.linux;

/**
 * What an open descriptor refers to, for listings, errors and {@code inspect}.
 *
 * @param kind      the kind of file
 * @param target    readlink of /proc/self/fd/N, e.g. {@code /tmp/db (deleted)} or {@code socket:[4711]}
 * @param openFlags fcntl(F_GETFL)
 * @param stat      fstat of the descriptor
 */
public record FdDescription(FileKind kind, String target, int openFlags, FileStat stat) {
    private static final int MISC_MAJOR = 10;
    private static final int FUSE_MINOR = 229;

    static FdDescription of(Fd fd) throws LinuxException {
        FileStat stat = Stat.fstat(fd);
        String target = Unistd.readlink("/proc/self/fd/" + fd.number());
        return new FdDescription(kindOf(stat, target), target, Fcntl.getFlags(fd), stat);
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

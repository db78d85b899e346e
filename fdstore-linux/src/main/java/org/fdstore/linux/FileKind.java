package org.fdstore.linux;

/**
 * What an open file descriptor refers to, as fstat(2) and /proc/self/fd tell it.
 *
 * <p>The {@link #code()} is stable: the store protocol sends it on the wire.
 */
public enum FileKind {
    /** Anything not listed below. */
    UNKNOWN(0, "unknown"),
    /** A regular file, including a memfd. */
    REGULAR(1, "file"),
    /** A directory. */
    DIRECTORY(2, "directory"),
    /** A socket of any family. */
    SOCKET(3, "socket"),
    /** A pipe or FIFO. */
    PIPE(4, "pipe"),
    /** A character device other than /dev/fuse. */
    CHARACTER_DEVICE(5, "chardev"),
    /** A block device. */
    BLOCK_DEVICE(6, "blockdev"),
    /** A symbolic link, opened with O_PATH|O_NOFOLLOW. */
    SYMLINK(7, "symlink"),
    /** A /dev/fuse connection (character device 10:229). */
    FUSE_CONNECTION(8, "fuse"),
    /** An anonymous inode: eventfd, epoll, timerfd, signalfd, pidfd, inotify... */
    ANON_INODE(9, "anon_inode");

    private static final FileKind[] BY_CODE = values();

    private final int code;
    private final String label;

    FileKind(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The number the store protocol uses for this kind. */
    public int code() {
        return code;
    }

    /** A short lower-case name, as the CLI prints it. */
    public String label() {
        return label;
    }

    /** The kind with this protocol code, or {@link #UNKNOWN}. */
    public static FileKind ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}

package org.fdstore.fuse.wire;

/**
 * The opcodes of {@code enum fuse_opcode} in include/uapi/linux/fuse.h (protocol 7.45), with their names for logs.
 *
 * <p>Internal: not API. Constants only; thread safe.
 */
public final class Opcode {
    public static final int LOOKUP = 1;
    public static final int FORGET = 2;
    public static final int GETATTR = 3;
    public static final int SETATTR = 4;
    public static final int READLINK = 5;
    public static final int SYMLINK = 6;
    public static final int MKNOD = 8;
    public static final int MKDIR = 9;
    public static final int UNLINK = 10;
    public static final int RMDIR = 11;
    public static final int RENAME = 12;
    public static final int LINK = 13;
    public static final int OPEN = 14;
    public static final int READ = 15;
    public static final int WRITE = 16;
    public static final int STATFS = 17;
    public static final int RELEASE = 18;
    public static final int FSYNC = 20;
    public static final int SETXATTR = 21;
    public static final int GETXATTR = 22;
    public static final int LISTXATTR = 23;
    public static final int REMOVEXATTR = 24;
    public static final int FLUSH = 25;
    public static final int INIT = 26;
    public static final int OPENDIR = 27;
    public static final int READDIR = 28;
    public static final int RELEASEDIR = 29;
    public static final int FSYNCDIR = 30;
    public static final int GETLK = 31;
    public static final int SETLK = 32;
    public static final int SETLKW = 33;
    public static final int ACCESS = 34;
    public static final int CREATE = 35;
    public static final int INTERRUPT = 36;
    public static final int BMAP = 37;
    public static final int DESTROY = 38;
    public static final int IOCTL = 39;
    public static final int POLL = 40;
    public static final int NOTIFY_REPLY = 41;
    public static final int BATCH_FORGET = 42;
    public static final int FALLOCATE = 43;
    public static final int READDIRPLUS = 44;
    public static final int RENAME2 = 45;
    public static final int LSEEK = 46;
    public static final int COPY_FILE_RANGE = 47;
    public static final int SETUPMAPPING = 48;
    public static final int REMOVEMAPPING = 49;
    public static final int SYNCFS = 50;
    public static final int TMPFILE = 51;
    public static final int STATX = 52;
    public static final int COPY_FILE_RANGE_64 = 53;

    private static final String[] NAMES = new String[54];

    static {
        String[] names = {
            "?", "LOOKUP", "FORGET", "GETATTR", "SETATTR", "READLINK", "SYMLINK", "?", "MKNOD", "MKDIR", "UNLINK",
            "RMDIR", "RENAME", "LINK", "OPEN", "READ", "WRITE", "STATFS", "RELEASE", "?", "FSYNC", "SETXATTR",
            "GETXATTR", "LISTXATTR", "REMOVEXATTR", "FLUSH", "INIT", "OPENDIR", "READDIR", "RELEASEDIR", "FSYNCDIR",
            "GETLK", "SETLK", "SETLKW", "ACCESS", "CREATE", "INTERRUPT", "BMAP", "DESTROY", "IOCTL", "POLL",
            "NOTIFY_REPLY", "BATCH_FORGET", "FALLOCATE", "READDIRPLUS", "RENAME2", "LSEEK", "COPY_FILE_RANGE",
            "SETUPMAPPING", "REMOVEMAPPING", "SYNCFS", "TMPFILE", "STATX", "COPY_FILE_RANGE_64",
        };
        System.arraycopy(names, 0, NAMES, 0, names.length);
    }

    private Opcode() {}

    /** The kernel's name without the FUSE_ prefix, or the number for an unknown opcode. */
    public static String name(int opcode) {
        String n = opcode > 0 && opcode < NAMES.length ? NAMES[opcode] : null;
        return n == null || n.equals("?") ? Integer.toString(opcode) : n;
    }

    /** Whether the kernel expects no reply to this opcode. */
    public static boolean isOneWay(int opcode) {
        return opcode == FORGET || opcode == BATCH_FORGET || opcode == INTERRUPT;
    }
}

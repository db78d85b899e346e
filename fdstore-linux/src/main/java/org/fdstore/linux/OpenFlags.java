package org.fdstore.linux;

import java.util.StringJoiner;

/** Renders open(2) flags as C spells them, e.g. {@code O_RDWR|O_APPEND}, for messages and listings. */
public final class OpenFlags {
    private static final int[] BITS = {Fcntl.O_CREAT, Fcntl.O_EXCL, Fcntl.O_NOCTTY, Fcntl.O_TRUNC, Fcntl.O_APPEND,
            Fcntl.O_NONBLOCK, Fcntl.O_LARGEFILE, Fcntl.O_DIRECTORY, Fcntl.O_NOFOLLOW, Fcntl.O_CLOEXEC, Fcntl.O_PATH};
    private static final String[] NAMES = {"O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND",
            "O_NONBLOCK", "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW", "O_CLOEXEC", "O_PATH"};

    private OpenFlags() {}

    /** The access mode, then every known flag that is set, then any unknown bits in hex. */
    public static String describe(int flags) {
        StringJoiner out = new StringJoiner("|");
        if ((flags & Fcntl.O_PATH) == 0) {
            out.add(switch (flags & Fcntl.O_ACCMODE) {
                case Fcntl.O_RDONLY -> "O_RDONLY";
                case Fcntl.O_WRONLY -> "O_WRONLY";
                case Fcntl.O_RDWR -> "O_RDWR";
                default -> "O_ACCMODE";
            });
        }
        int rest = flags & ~Fcntl.O_ACCMODE;
        for (int i = 0; i < BITS.length; i++) {
            if ((rest & BITS[i]) != 0) {
                out.add(NAMES[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0) out.add("0x" + Integer.toHexString(rest));
        return out.toString();
    }
}

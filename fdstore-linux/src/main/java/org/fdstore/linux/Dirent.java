package org.fdstore.linux;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One directory entry as getdents64(2) reports it ({@code struct linux_dirent64}).
 *
 * <p>Immutable by convention: {@link #name()} returns the array itself, which callers must not modify. Thread
 * safe. Equality compares the name's bytes.
 *
 * @param ino  inode number (d_ino)
 * @param off  the position after this entry (d_off): lseek the directory fd to it to resume the listing after this
 *             entry; opaque, not an index
 * @param type file type (d_type), one of the {@code Dirents.DT_*} values; DT_UNKNOWN where the file system does not
 *             say, and then fstatat tells
 * @param name the name's bytes, without the terminating NUL; not necessarily UTF-8
 */
public record Dirent(long ino, long off, int type, byte[] name) {
    /** The name decoded as UTF-8 (invalid bytes become U+FFFD), for display only. */
    public String nameString() {
        return new String(name, StandardCharsets.UTF_8);
    }

    /** Whether this is the "." or ".." entry. */
    public boolean isDotOrDotDot() {
        return name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dirent d && ino == d.ino && off == d.off && type == d.type && Arrays.equals(name, d.name);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ino) * 31 + Arrays.hashCode(name);
    }

    @Override
    public String toString() {
        return "Dirent[ino=" + ino + ", off=" + off + ", type=" + type + ", name=" + CString.quote(name) + "]";
    }
}

package org.fdstore.fuse;

import java.time.Duration;
import java.util.Objects;

/**
 * A name resolved to a node: {@code struct fuse_entry_out} of include/uapi/linux/fuse.h (7.45), the answer to
 * LOOKUP, MKNOD, MKDIR, SYMLINK, LINK and CREATE and one element of a READDIRPLUS reply.
 *
 * <p>Every entry sent with a non-zero {@code nodeId} adds one to the kernel's lookup count of that node, which the
 * kernel gives back with FORGET; the filesystem must count it. {@code nodeId} 0 is a negative entry: the kernel
 * caches "no such name" for {@code entryTimeout} and counts nothing. {@code nodeId:generation} must be unique for
 * the life of the filesystem.
 *
 * <p>Immutable and thread safe.
 */
public record FuseEntry(long nodeId, long generation, Duration entryTimeout, Duration attrTimeout, FuseAttr attr) {
    public FuseEntry {
        Objects.requireNonNull(entryTimeout, "entryTimeout");
        Objects.requireNonNull(attrTimeout, "attrTimeout");
        Objects.requireNonNull(attr, "attr");
        if (entryTimeout.isNegative() || attrTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /** A negative entry: the name does not exist, and the kernel may remember that for {@code timeout}. */
    public static FuseEntry negative(Duration timeout) {
        return new FuseEntry(0, 0, timeout, Duration.ZERO, new FuseAttr(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }
}

package org.fdstore.passthrough;

import java.time.Duration;
import org.fdstore.fuse.FuseAttr;
import org.fdstore.fuse.FuseEntry;
import org.fdstore.linux.FileStat;

/** Converts the source's stat into what the kernel caches, with the mount's cache timeouts. */
final class Attrs {
    /** How long the kernel may cache entries and attributes: SOURCE changes only through this mount. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    private Attrs() {}

    static FuseAttr of(FileStat st) {
        return new FuseAttr(st.ino(), st.size(), st.blocks(), st.atimeSec(), (int) st.atimeNsec(), st.mtimeSec(),
                (int) st.mtimeNsec(), st.ctimeSec(), (int) st.ctimeNsec(), st.mode(), (int) st.nlink(), st.uid(),
                st.gid(), (int) st.rdev(), (int) st.blksize(), 0);
    }

    static FuseEntry entry(Inode inode, FileStat st) {
        return new FuseEntry(inode.nodeid(), inode.generation(), TIMEOUT, TIMEOUT, of(st));
    }
}

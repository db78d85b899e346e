package org.fdstore.fuse.internal;

import org.fdstore.fuse.FuseRequest;
import org.fdstore.fuse.InitFlags;
import org.fdstore.fuse.InitResult;
import org.fdstore.linux.Errno;

/**
 * The one place that decides what a FUSE connection agrees at INIT (include/uapi/linux/fuse.h, 7.45, "Version
 * negotiation"): the lower of the kernel's minor version and ours, the flags offered and wanted, and the limits.
 *
 * <p>Internal: not API. Stateless and thread safe.
 */
public final class InitNegotiation {
    /** The protocol this build speaks. */
    public static final int MAJOR = 7;
    public static final int MINOR = 45;
    /**
     * The oldest minor version we serve (Linux 5.7). Every request struct we decode has had its present size since
     * at least then; SETXATTR, whose size changed later, follows the SETXATTR_EXT flag instead.
     */
    public static final int OLDEST_MINOR = 31;
    /** max_write when MAX_PAGES is agreed: 256 pages of 4 KiB. */
    public static final int MAX_WRITE = 1 << 20;
    public static final int MAX_PAGES = 256;
    /** max_write without MAX_PAGES: the kernel's default of 32 pages per request. */
    public static final int MAX_WRITE_WITHOUT_MAX_PAGES = 128 << 10;
    /** Background requests (readahead, async direct I/O) in flight; the kernel's default of 12 starves 2 readers. */
    public static final int MAX_BACKGROUND = 64;
    public static final int CONGESTION_THRESHOLD = 48;

    private InitNegotiation() {}

    /** The answer to one INIT. */
    public sealed interface Outcome {
        /** Reply with {@code result} and serve. */
        record Agreed(InitResult result) implements Outcome {}

        /** The kernel's major is above ours: reply with our version only and wait for a second INIT. */
        record VersionOnly(int major, int minor) implements Outcome {}

        /** Reply with {@code errno}: the connection cannot be served. */
        record Refused(Errno errno, String reason) implements Outcome {}
    }

    /**
     * Negotiates {@code init} for a filesystem that wants {@code fsWanted} beyond {@link InitFlags#DEFAULT_WANTED}
     * and refuses {@code fsUnwanted}.
     */
    public static Outcome negotiate(FuseRequest.Init init, long fsWanted, long fsUnwanted) {
        if (init.major() < MAJOR) {
            return new Outcome.Refused(Errno.EPROTO, "kernel speaks FUSE " + init.major() + "." + init.minor()
                    + ", this server needs " + MAJOR + ".x");
        }
        if (init.major() > MAJOR) return new Outcome.VersionOnly(MAJOR, MINOR);
        if (init.minor() < OLDEST_MINOR) {
            return new Outcome.Refused(Errno.EPROTO, "kernel speaks FUSE 7." + init.minor()
                    + ", this server needs 7." + OLDEST_MINOR + " or later");
        }
        long offered = init.flags();
        long wanted = (InitFlags.DEFAULT_WANTED | fsWanted) & ~fsUnwanted;
        long agreed = offered & wanted;
        if ((agreed & InitFlags.INIT_EXT) == 0) agreed &= 0xffffffffL;  // flags2 travels only with INIT_EXT
        if ((agreed & InitFlags.WRITEBACK_CACHE) != 0) {
            agreed &= ~InitFlags.PASSTHROUGH;   // the kernel silently refuses passthrough with writeback cache
        }
        boolean maxPages = (agreed & InitFlags.MAX_PAGES) != 0;
        boolean passthrough = (agreed & InitFlags.PASSTHROUGH) != 0;
        InitResult result = new InitResult(MAJOR, Math.min(init.minor(), MINOR), init.minor(), offered, agreed,
                init.maxReadahead(),
                maxPages ? MAX_WRITE : MAX_WRITE_WITHOUT_MAX_PAGES,
                maxPages ? MAX_PAGES : 0,
                1,
                MAX_BACKGROUND, CONGESTION_THRESHOLD,
                // 1: backing files must not be on a stacked filesystem, and the mount itself may be stacked once.
                passthrough ? 1 : 0);
        return new Outcome.Agreed(result);
    }
}

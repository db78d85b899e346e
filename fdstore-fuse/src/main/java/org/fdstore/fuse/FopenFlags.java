package org.fdstore.fuse;

/**
 * The {@code open_flags} of an OPEN, OPENDIR or CREATE reply ({@code FOPEN_*} of include/uapi/linux/fuse.h,
 * protocol 7.45), and the {@code open_flags} the kernel puts in OPEN and CREATE requests ({@code FUSE_OPEN_*}).
 *
 * <p>Constants only; thread safe.
 */
public final class FopenFlags {
    /** Bypass the page cache for this open file. */
    public static final int DIRECT_IO = 1 << 0;
    /** Keep the data cached at open instead of invalidating it. */
    public static final int KEEP_CACHE = 1 << 1;
    /** The file is not seekable. */
    public static final int NONSEEKABLE = 1 << 2;
    /** Allow caching this directory's listing. */
    public static final int CACHE_DIR = 1 << 3;
    /** The file is stream-like: no file position at all. */
    public static final int STREAM = 1 << 4;
    /** Do not send FLUSH for this file on close. */
    public static final int NOFLUSH = 1 << 5;
    /** Allow concurrent direct writes on the same inode. */
    public static final int PARALLEL_DIRECT_WRITES = 1 << 6;
    /** Reads and writes go straight to the backing file named by the reply's backing id. */
    public static final int PASSTHROUGH = 1 << 7;

    /** In an OPEN or CREATE request: the kernel asks to kill suid/sgid (HANDLE_KILLPRIV_V2, O_TRUNC by a non-owner). */
    public static final int REQUEST_KILL_SUIDGID = 1 << 0;

    private FopenFlags() {}
}

package org.fdstore.protocol;

/**
 * Every fixed number of protocol version 1, in one place.
 *
 * <p>Constants only; thread safe.
 */
public final class Limits {
    /** Bytes in a frame header. */
    public static final int HEADER_SIZE = 24;
    /** The first four bytes of every frame, {@code F D S T} read as a little-endian u32. */
    public static final int MAGIC = 0x54534446;
    /** The one protocol version this code speaks. */
    public static final int VERSION = 1;
    /** Largest frame, header included. */
    public static final int MAX_FRAME = 131072;
    /** Largest entry name, and largest HELLO client name, in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 255;
    /** Largest metadata blob. */
    public static final int MAX_METADATA = 65536;
    /** Most fds in one frame: the kernel's {@code SCM_MAX_FD}. */
    public static final int MAX_FDS_PER_FRAME = 253;
    /**
     * Largest entry target, in bytes of UTF-8. The kernel builds /proc/self/fd links in one page, so a real
     * readlink(2) result fits; the bound guarantees that any entry fits in one reply frame.
     */
    public static final int MAX_TARGET_BYTES = 4096;
    /**
     * Largest namespace, in bytes: ASCII letters, digits, {@code .}, {@code _}, {@code -}, {@code :} and
     * {@code @}. A qualified name {@code namespace/name} is the two joined by a slash.
     */
    public static final int MAX_NAMESPACE_BYTES = 64;
    /** Largest path on the wire (DROP by mount, the mount point of an INSPECT entry), in bytes of UTF-8. */
    public static final int MAX_PATH_BYTES = 4096;
    /** Largest socket or peer description of an INSPECT entry, in bytes of UTF-8. */
    public static final int MAX_DESCRIPTION_BYTES = 1024;
    /** Header flag bit 0: more frames of this reply, or of this SAVE_MANY or RESTORE_MANY request, follow. */
    public static final int FLAG_CONTINUES = 1;
    /**
     * Header flag bit 1, on RESTORE_MANY frames only: the request asks for bare entries (id and name) rather than whole
     * entries, and the reply's frames hold them. A client sets it only when the daemon agreed to
     * {@link #FEATURE_BARE_RESTORE}.
     */
    public static final int FLAG_BARE = 2;
    /** HELLO feature bit 0: the daemon answers a RESTORE_MANY with {@link #FLAG_BARE} with bare entries. */
    public static final long FEATURE_BARE_RESTORE = 1;
    /** Reply type used when a request's header could not be read at all. */
    public static final int ERROR_REPLY_TYPE = 0xFF;

    /** Largest {@code string} the wire can carry: its length is a u16. */
    static final int MAX_STRING_BYTES = 0xFFFF;

    private Limits() {}
}

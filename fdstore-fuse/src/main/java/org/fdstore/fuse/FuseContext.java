package org.fdstore.fuse;

import java.util.List;

/**
 * What every request carries besides its own arguments: the fields of {@code fuse_in_header} and the request
 * extensions (include/uapi/linux/fuse.h, protocol 7.45).
 *
 * <p>{@code uid}, {@code gid} and {@code pid} are those of the calling process as the kernel saw them (in the
 * server's user namespace; {@code -1} when the kernel could not map them, and 0 for requests the kernel sends on its
 * own behalf such as FORGET). {@code groups} holds the supplementary groups of the FUSE_EXT_GROUPS extension, which
 * the kernel attaches to CREATE, MKNOD, MKDIR and SYMLINK when CREATE_SUPP_GROUP was agreed and the group matters
 * for the new file's ownership; it is empty otherwise.
 *
 * <p>Immutable and thread safe.
 *
 * @param unique the request id, to be echoed exactly in the reply (bit 63 set on a resent request)
 * @param nodeId the node the request is about (FUSE_ROOT_ID = 1 for the root), 0 where none
 */
public record FuseContext(long unique, long nodeId, int uid, int gid, int pid, List<Integer> groups) {
    /** The node id of the root directory. */
    public static final long ROOT_ID = 1;
    /** Bit 63 of {@code unique}: the kernel sent this request again after FUSE_NOTIFY_RESEND. */
    public static final long UNIQUE_RESEND = 1L << 63;

    public FuseContext {
        groups = List.copyOf(groups);
    }

    /** Whether this request was re-queued by FUSE_NOTIFY_RESEND (an earlier server read it and did not answer). */
    public boolean resent() {
        return (unique & UNIQUE_RESEND) != 0;
    }
}

package org.fdstore.passthrough;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.fdstore.linux.Fd;

/**
 * An open file or directory the kernel holds as {@code fh}: the fd opened on the source and, for a passthrough
 * file, the backing id the kernel knows it by.
 *
 * @param fh        the handle number the kernel holds
 * @param nodeid    the inode it was opened on
 * @param fd        the open fd, owned by the {@link HandleTable}
 * @param openFlags the flags it was opened with
 * @param backingId the passthrough backing id, or 0 without passthrough
 * @param directory whether it came from OPENDIR
 * @param unique    the FUSE request that opened it (without the resend bit): a resent open finds it by this
 */
record Handle(long fh, long nodeid, Fd fd, int openFlags, int backingId, boolean directory, long unique) {
    private static final int METADATA_BYTES = 32;

    /** What the store keeps beside the fd, so a successor can rebuild the handle. */
    byte[] metadata() {
        return ByteBuffer.allocate(METADATA_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(nodeid).putInt(openFlags).putInt(backingId).putInt(directory ? 1 : 0).putInt(0)
                .putLong(unique).array();
    }

    static Handle fromStore(long fh, Fd fd, byte[] metadata) {
        ByteBuffer in = ByteBuffer.wrap(metadata).order(ByteOrder.LITTLE_ENDIAN);
        if (metadata.length != METADATA_BYTES) throw new IllegalArgumentException("handle metadata of " + metadata.length + " bytes");
        long nodeid = in.getLong();
        int openFlags = in.getInt();
        int backingId = in.getInt();
        boolean directory = in.getInt() != 0;
        in.getInt();
        return new Handle(fh, nodeid, fd, openFlags, backingId, directory, in.getLong());
    }
}

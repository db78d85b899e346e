package org.fdstore.passthrough;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names a mount's state in the fd store: the namespace {@code fuse.<12 hex digits of SHA-256(mountpoint)>} and, in
 * it, {@code dev} (the /dev/fuse connection, with the agreed INIT as metadata), {@code state} (the state file),
 * {@code n<nodeid>} (the O_PATH fd of an inode held by an fd), {@code m<dev>} (a directory of source file system
 * {@code dev}, through which the file handles of its inodes open) and {@code h<fh>} (an open handle's fd).
 *
 * <p>Derived from the mountpoint alone, so that any process (a standby, an upgrade, {@code fdstore fs status}) finds
 * the state of a mount from its path. Immutable and thread safe.
 *
 * @param mountpoint the absolute, normalised mountpoint
 * @param namespace  the store namespace of this mount
 */
public record MountId(Path mountpoint, String namespace) {
    /** The id of the mount at {@code mountpoint}. */
    public static MountId of(Path mountpoint) {
        Path normal = mountpoint.toAbsolutePath().normalize();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normal.toString().getBytes(StandardCharsets.UTF_8));
            return new MountId(normal, "fuse." + HexFormat.of().formatHex(digest, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The store name of the /dev/fuse connection. */
    public String device() {
        return namespace + "/dev";
    }

    /** The store name of the state file. */
    public String stateFile() {
        return namespace + "/state";
    }

    /** The store name of inode {@code nodeid}'s O_PATH fd. */
    public String inode(long nodeid) {
        return namespace + "/n" + nodeid;
    }

    /** The store name of source file system {@code dev}'s fd. */
    public String source(long dev) {
        return namespace + "/m" + dev;
    }

    /** The store name of open handle {@code fh}'s fd. */
    public String handle(long fh) {
        return namespace + "/h" + fh;
    }

}

package org.fdstore.fuse;

/**
 * How {@link FuseSession#mount} mounts: the options that end up in the fuse mount data after
 * {@code fd=N,rootmode=40000,user_id=U,group_id=G}.
 *
 * <p>Immutable and thread safe.
 *
 * @param allowOther         {@code allow_other}: users other than the mounting one may use the mount (without it
 *                           the kernel refuses them with EACCES before the filesystem sees anything)
 * @param defaultPermissions {@code default_permissions}: the kernel checks access against the mode bits, uid and
 *                           gid the filesystem reports, so the filesystem need not
 * @param devices            device nodes on the mount can be opened (no MS_NODEV); off by default, as in libfuse
 * @param setuid             set-user-id and set-group-id bits take effect at exec (no MS_NOSUID); off by default
 */
public record MountOptions(boolean allowOther, boolean defaultPermissions, boolean devices, boolean setuid) {
    /** No option: only the mounting user, permissions left to the filesystem, nodev and nosuid. */
    public static MountOptions defaults() {
        return new MountOptions(false, false, false, false);
    }

    /** These options with {@code allow_other}. */
    public MountOptions withAllowOther() {
        return new MountOptions(true, defaultPermissions, devices, setuid);
    }

    /** These options with {@code default_permissions}. */
    public MountOptions withDefaultPermissions() {
        return new MountOptions(allowOther, true, devices, setuid);
    }

    /** These options with device nodes usable, like fuse's {@code -o dev}; only for a trusted source. */
    public MountOptions withDevices() {
        return new MountOptions(allowOther, defaultPermissions, true, setuid);
    }

    /** These options with set-id bits honoured, like fuse's {@code -o suid}; only for a trusted source. */
    public MountOptions withSetuid() {
        return new MountOptions(allowOther, defaultPermissions, devices, true);
    }

    /** The mount(2) flags: MS_NODEV and MS_NOSUID unless asked otherwise. */
    long flags() {
        return (devices ? 0 : org.fdstore.linux.Mount.MS_NODEV) | (setuid ? 0 : org.fdstore.linux.Mount.MS_NOSUID);
    }

    /** The mount data for a device fd number and the mounting user and group. */
    String data(int fd, int uid, int gid) {
        StringBuilder s = new StringBuilder()
                .append("fd=").append(fd)
                .append(",rootmode=40000")
                .append(",user_id=").append(uid)
                .append(",group_id=").append(gid);
        if (allowOther) s.append(",allow_other");
        if (defaultPermissions) s.append(",default_permissions");
        return s.toString();
    }
}

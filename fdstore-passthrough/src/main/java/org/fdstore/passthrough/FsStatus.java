package org.fdstore.passthrough;

/**
 * What {@code fdstore fs status} reports about a mount.
 *
 * @param mountpoint        where it is mounted
 * @param source            the directory it mirrors
 * @param namespace         its namespace in the fd store
 * @param pid               the serving process, 0 if none is serving
 * @param standby           the standby process, 0 if none
 * @param nodes             inodes the kernel holds (named by file handle in the state file, or an fd in the store)
 * @param openHandles       open files and directories, each an entry in the store
 * @param failovers         takeovers after the serving process died
 * @param upgrades          takeovers on purpose ({@code fdstore fs upgrade})
 * @param lastTakeoverMillis when the last takeover happened, 0 if never
 */
public record FsStatus(String mountpoint, String source, String namespace, int pid, int standby, long nodes,
                       long openHandles, long failovers, long upgrades, long lastTakeoverMillis) {}

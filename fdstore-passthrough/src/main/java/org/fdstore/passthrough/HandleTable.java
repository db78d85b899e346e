package org.fdstore.passthrough;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.fdstore.linux.Errno;
import org.fdstore.linux.LinuxException;

/**
 * Open handles by {@code fh}, the smallest free number ≥ 1.
 *
 * <p>Thread safe.
 */
final class HandleTable {
    private final Map<Long, Handle> byFh = new HashMap<>();
    private final BitSet used = new BitSet();

    HandleTable() {
        used.set(0);
    }

    synchronized long reserve() {
        int fh = used.nextClearBit(1);
        used.set(fh);
        return fh;
    }

    synchronized void put(Handle handle) {
        used.set((int) handle.fh());
        byFh.put(handle.fh(), handle);
    }

    /** The handle an earlier attempt at request {@code unique} opened, or null. */
    synchronized Handle openedBy(long unique) {
        for (Handle h : byFh.values()) if (h.unique() == unique) return h;
        return null;
    }

    synchronized Handle get(long fh) throws LinuxException {
        Handle handle = byFh.get(fh);
        if (handle == null) throw new LinuxException("handle " + fh, Errno.EBADF, "unknown file handle");
        return handle;
    }

    /**
     * Removes and returns the handle, or null. Its number stays reserved until {@link #release}: the caller sends the
     * store's removal first, so that a new handle's save under the same name can never overtake it.
     */
    synchronized Handle remove(long fh) {
        return byFh.remove(fh);
    }

    /** Frees a removed handle's number for reuse. */
    synchronized void release(long fh) {
        used.clear((int) fh);
    }

    synchronized int size() {
        return byFh.size();
    }

    synchronized void closeAll() {
        byFh.values().forEach(h -> h.fd().close());
        byFh.clear();
    }
}

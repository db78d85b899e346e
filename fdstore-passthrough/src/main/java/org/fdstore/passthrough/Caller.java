package org.fdstore.passthrough;

import org.fdstore.fuse.FuseContext;
import org.fdstore.linux.Fsuid;
import org.fdstore.linux.LinuxException;

/**
 * Runs a call on the source with the calling process's filesystem identity, so that the source decides what POSIX
 * says: new files belong to the caller (and to a setgid directory's group), and its permission checks apply.
 * setfsuid and the raw setgroups syscall change only the current thread, which is a platform reader thread; root
 * callers keep the daemon's own identity.
 */
final class Caller {
    interface Call<T> {
        T run() throws LinuxException;
    }

    private static final int[] NO_GROUPS = {};

    private Caller() {}

    static <T> T as(FuseContext context, Call<T> call) throws LinuxException {
        if (context.uid() == 0) return call.run();
        int[] groups = context.groups().stream().mapToInt(Integer::intValue).toArray();
        Fsuid.setThreadGroups(groups.length == 0 ? NO_GROUPS : groups);
        Fsuid.setfsgidChecked(context.gid());
        Fsuid.setfsuidChecked(context.uid());
        try {
            return call.run();
        } finally {
            Fsuid.setfsuid(0);
            Fsuid.setfsgid(0);
            Fsuid.setThreadGroups(NO_GROUPS);
        }
    }
}

package org.fdstore.passthrough;

import java.io.IOException;
import org.fdstore.fuse.FuseContext;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Proc;

/**
 * Clears set-id bits after a write or truncate, as the source would. The kernel asks for it (HANDLE_KILLPRIV_V2:
 * FATTR_KILL_SUIDGID in SETATTR, FUSE_WRITE_KILL_SUIDGID in WRITE, FUSE_OPEN_KILL_SUIDGID in an O_TRUNC OPEN) only
 * when the writer lacks CAP_FSETID; the daemon, which has it, must then clear them itself, by the rule of
 * fs/attr.c (setattr_should_drop_suidgid): S_ISUID always, S_ISGID if the file is group-executable or the writer is
 * not in its group.
 */
final class SetIdBits {
    private static final int S_ISUID = 04000;
    private static final int S_ISGID = 02000;
    private static final int S_IXGRP = 00010;

    interface Chmod {
        void to(int mode) throws LinuxException;
    }

    private SetIdBits() {}

    /**
     * Whether {@code mode} has a set-id bit. Such files are opened without passthrough: a passthrough write never
     * reaches the daemon, and under HANDLE_KILLPRIV_V2 the kernel leaves clearing the bits to the daemon.
     */
    static boolean any(int mode) {
        return (mode & (S_ISUID | S_ISGID)) != 0;
    }

    /**
     * Clears what a write by {@code writer} clears from the file {@code st} describes, through {@code chmod}; returns
     * whether the mode changed.
     */
    static boolean clear(FileStat st, FuseContext writer, Chmod chmod) throws LinuxException {
        int mode = st.mode() & 07777;
        int after = mode & ~S_ISUID;
        if ((mode & S_ISGID) != 0 && ((mode & S_IXGRP) != 0 || !inGroup(writer, st.gid()))) after &= ~S_ISGID;
        if (after == mode) return false;
        chmod.to(after);
        return true;
    }

    private static boolean inGroup(FuseContext writer, int gid) {
        if (writer.gid() == gid) return true;
        try {
            for (int g : Proc.supplementaryGroups(writer.pid())) {
                if (g == gid) return true;
            }
        } catch (IOException e) {
            // The writer is gone: clear, as for a writer outside the group (the safe side).
        }
        return false;
    }
}

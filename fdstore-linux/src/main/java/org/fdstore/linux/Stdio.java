package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to the file calls of {@code <stdio.h>}: renameat and renameat2, where glibc declares them (with the
 * RENAME_* flags) rather than in {@code <fcntl.h>}.
 *
 * <p>Names are raw bytes and a {@code null} directory means AT_FDCWD, as described in {@link Fcntl}. The caller
 * keeps ownership of every {@code Fd} passed in. Thread safe. Failures throw {@link LinuxException} naming the
 * call, both names and the errno.
 */
public final class Stdio {
    /** renameat2: fail with EEXIST instead of replacing an existing new name. */
    public static final int RENAME_NOREPLACE = 1;
    /** renameat2: atomically swap the two names; both must exist. */
    public static final int RENAME_EXCHANGE = 2;
    /** renameat2: leave a whiteout (character device 0:0) at the old name, for overlay file systems. */
    public static final int RENAME_WHITEOUT = 4;

    // The C function in a holder class, linked on its first call (see Libc).
    private static final class renameat2 {
        static final MethodHandle HANDLE = Libc.downcall("renameat2",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private Stdio() {}

    /**
     * renameat(2): renames {@code oldName} in {@code oldDir} to {@code newName} in {@code newDir}, replacing it.
     *
     * @throws LinuxException ENOENT, EXDEV across file systems, ENOTEMPTY, EISDIR, ENOTDIR...
     */
    public static void renameat(Fd oldDir, byte[] oldName, Fd newDir, byte[] newName) throws LinuxException {
        renameat2(oldDir, oldName, newDir, newName, 0);
    }

    /**
     * renameat2(2) with RENAME_* {@code flags} (0 behaves as renameat).
     *
     * @throws LinuxException EEXIST with RENAME_NOREPLACE, ENOENT with RENAME_EXCHANGE and a missing new name,
     *                        EINVAL for flags the file system does not support, EXDEV, ENOTEMPTY...
     */
    public static void renameat2(Fd oldDir, byte[] oldName, Fd newDir, byte[] newName, int flags)
            throws LinuxException {
        int o = Fcntl.acquireDir(oldDir);
        try {
            int n = Fcntl.acquireDir(newDir);
            try (Arena arena = Arena.ofConfined()) {
                int r = (int) renameat2.HANDLE.invokeExact(Libc.errnoSlot(), o,
                        CString.allocate(arena, oldName, "renameat2"), n, CString.allocate(arena, newName, "renameat2"),
                        flags);
                if (r < 0) throw Calls.fail("renameat2(" + Fcntl.dirName(o) + ", " + CString.quote(oldName) + ", "
                        + Fcntl.dirName(n) + ", " + CString.quote(newName) + ", " + flags + ")");
            } finally {
                Fcntl.releaseDir(newDir);
            }
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(oldDir);
        }
    }

    /** {@link #renameat2} with UTF-8 names. */
    public static void renameat2(Fd oldDir, String oldName, Fd newDir, String newName, int flags)
            throws LinuxException {
        renameat2(oldDir, CString.bytes(oldName), newDir, CString.bytes(newName), flags);
    }
}

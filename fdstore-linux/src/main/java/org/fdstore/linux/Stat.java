package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Binding to fstat(2) of {@code <sys/stat.h>}, with the x86_64 layout of {@code struct stat} (144 bytes).
 *
 * <p>Thread safe.
 */
public final class Stat {
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    private static final long STRUCT_SIZE = 144;
    private static final MethodHandle FSTAT =
            Libc.downcall("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private Stat() {}

    /** fstat(2). */
    public static FileStat fstat(Fd fd) throws LinuxException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(STRUCT_SIZE, 8);
            int r = (int) FSTAT.invokeExact(Libc.errnoSlot(), n, st);
            if (r < 0) throw Calls.fail("fstat(fd " + n + ")");
            return new FileStat(
                    st.get(JAVA_LONG, 0),       // st_dev
                    st.get(JAVA_LONG, 8),       // st_ino
                    st.get(JAVA_INT, 24),       // st_mode
                    st.get(JAVA_INT, 28),       // st_uid
                    st.get(JAVA_INT, 32),       // st_gid
                    st.get(JAVA_LONG, 40),      // st_rdev
                    st.get(JAVA_LONG, 48));     // st_size
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }
}

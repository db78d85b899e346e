package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.StringJoiner;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to mount(2) and umount2(2) of {@code <sys/mount.h>}, with the flag values of x86_64.
 *
 * <p>Both calls need CAP_SYS_ADMIN in the caller's mount namespace; without it they fail with EPERM. They take no
 * descriptor, so nothing here is closed by anyone.
 *
 * <p>Thread safe.
 */
public final class Mount {
    /** mount flag: read-only. */
    public static final long MS_RDONLY = 1;
    /** mount flag: ignore set-user-id and set-group-id bits (and file capabilities). */
    public static final long MS_NOSUID = 2;
    /** mount flag: no access to device nodes. */
    public static final long MS_NODEV = 4;
    /** mount flag: no execution of programs. */
    public static final long MS_NOEXEC = 8;

    /** umount2 flag: abort pending requests first (for FUSE: aborts the connection). */
    public static final int MNT_FORCE = 1;
    /** umount2 flag: lazy unmount; detach now, clean up when the last user is gone. */
    public static final int MNT_DETACH = 2;
    /** umount2 flag: mark as expired (a second call unmounts if still unused). */
    public static final int MNT_EXPIRE = 4;
    /** umount2 flag: do not follow a symbolic link as the target. */
    public static final int UMOUNT_NOFOLLOW = 8;

    private static final long[] FLAG_BITS = {MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC};
    private static final String[] FLAG_NAMES = {"MS_RDONLY", "MS_NOSUID", "MS_NODEV", "MS_NOEXEC"};

    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class mount {
        static final MethodHandle HANDLE =
                Libc.downcall("mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    }
    private static final class umount2 {
        static final MethodHandle HANDLE = Libc.downcall("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    private Mount() {}

    /**
     * mount(2): mounts {@code source} of type {@code filesystemType} on {@code target}. {@code data} is the
     * filesystem's option string, or null for none.
     */
    public static void mount(String source, String target, String filesystemType, long flags, String data)
            throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment options = data == null ? MemorySegment.NULL : arena.allocateFrom(data);
            int r = (int) mount.HANDLE.invokeExact(Libc.errnoSlot(), arena.allocateFrom(source),
                    arena.allocateFrom(target), arena.allocateFrom(filesystemType), flags, options);
            if (r < 0) {
                throw Calls.fail("mount(\"" + source + "\", \"" + target + "\", \"" + filesystemType + "\", "
                        + describeFlags(flags) + (data == null ? "" : ", \"" + data + "\"") + ")");
            }
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** umount2(2) of {@code target} with {@link #MNT_DETACH}, {@link #MNT_FORCE}... or 0. */
    public static void umount2(String target, int flags) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) umount2.HANDLE.invokeExact(Libc.errnoSlot(), arena.allocateFrom(target), flags);
            if (r < 0) throw Calls.fail("umount2(\"" + target + "\", " + describeUmountFlags(flags) + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Mount flags as C spells them, e.g. {@code MS_NOSUID|MS_NODEV}; unknown bits in hex; {@code 0} for none. */
    public static String describeFlags(long flags) {
        StringJoiner out = new StringJoiner("|");
        long rest = flags;
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((rest & FLAG_BITS[i]) != 0) {
                out.add(FLAG_NAMES[i]);
                rest &= ~FLAG_BITS[i];
            }
        }
        if (rest != 0) out.add("0x" + Long.toHexString(rest));
        return out.length() == 0 ? "0" : out.toString();
    }

    private static String describeUmountFlags(int flags) {
        StringJoiner out = new StringJoiner("|");
        int rest = flags;
        if ((rest & MNT_FORCE) != 0) out.add("MNT_FORCE");
        if ((rest & MNT_DETACH) != 0) out.add("MNT_DETACH");
        if ((rest & MNT_EXPIRE) != 0) out.add("MNT_EXPIRE");
        if ((rest & UMOUNT_NOFOLLOW) != 0) out.add("UMOUNT_NOFOLLOW");
        rest &= ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW);
        if (rest != 0) out.add("0x" + Integer.toHexString(rest));
        return out.length() == 0 ? "0" : out.toString();
    }
}

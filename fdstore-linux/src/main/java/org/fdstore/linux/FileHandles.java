package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to the file handle calls of {@code <fcntl.h>}: name_to_handle_at(2) and open_by_handle_at(2). They live
 * apart from {@link Fcntl} because they share a structure of their own, {@code struct file_handle} ({@code u32
 * handle_bytes; i32 handle_type; u8 f_handle[]}), and serve one purpose: naming an inode without holding an fd on it.
 *
 * <p>Whether an inode can be named depends on its file system (EOPNOTSUPP where it cannot; ext4, xfs, btrfs and tmpfs
 * can). Opening a handle needs CAP_DAC_READ_SEARCH (EPERM without it) and an fd anywhere on the same file system,
 * which must not be an O_PATH fd (EBADF, measured on 6.18). It opens an inode whose last name is gone for as long
 * as something else holds the inode (an open fd, an O_PATH fd), and fails with ESTALE once the inode is freed
 * (ext4 and tmpfs, see FileHandlesTest).
 *
 * <p>Thread safe. The caller keeps every {@code Fd} passed in and closes every {@code Fd} returned.
 */
public final class FileHandles {
    /** The largest {@code handle_bytes} the kernel gives out ({@code MAX_HANDLE_SZ}). */
    public static final int MAX_HANDLE_SZ = 128;
    /** name_to_handle_at: a handle that identifies the inode only, for comparison, not for opening. */
    public static final int AT_HANDLE_FID = 0x200;

    private static final int HEADER = 8;

    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class name_to_handle_at {
        static final MethodHandle HANDLE = Libc.downcall("name_to_handle_at",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    }
    private static final class open_by_handle_at {
        static final MethodHandle HANDLE = Libc.downcall("open_by_handle_at",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private FileHandles() {}

    /**
     * name_to_handle_at(2): the handle of {@code name} relative to {@code dir} ({@code null} for AT_FDCWD). With an
     * empty name and {@link Fcntl#AT_EMPTY_PATH}, the handle of {@code dir} itself, which may be an O_PATH fd of any
     * file type. The mount id the call also reports is not returned: open a handle through an fd on its file system.
     *
     * @param flags {@link Fcntl#AT_EMPTY_PATH}, {@link Fcntl#AT_SYMLINK_FOLLOW}, {@link #AT_HANDLE_FID}
     * @throws LinuxException EOPNOTSUPP if the file system gives out no handles, EOVERFLOW if its handle is longer
     *                        than {@link #MAX_HANDLE_SZ}, ENOENT, ENOTDIR, EBADF as for any *at call
     */
    public static FileHandle name_to_handle_at(Fd dir, byte[] name, int flags) throws LinuxException {
        int d = Fcntl.acquireDir(dir);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(HEADER + MAX_HANDLE_SZ, 4);
            handle.set(JAVA_INT, 0, MAX_HANDLE_SZ);
            MemorySegment mountId = arena.allocate(JAVA_INT);
            int r = (int) name_to_handle_at.HANDLE.invokeExact(Libc.errnoSlot(), d,
                    CString.allocate(arena, name, "name_to_handle_at"), handle, mountId, flags);
            if (r < 0) throw Calls.fail("name_to_handle_at(" + Fcntl.dirName(d) + ", " + CString.quote(name) + ")");
            int length = handle.get(JAVA_INT, 0);
            return new FileHandle(handle.get(JAVA_INT, 4), handle.asSlice(HEADER, length).toArray(JAVA_BYTE));
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            Fcntl.releaseDir(dir);
        }
    }

    /**
     * open_by_handle_at(2) with O_CLOEXEC added: opens the inode {@code handle} names, on the file system of
     * {@code mountFd}, which is an fd opened without O_PATH (a directory opened O_RDONLY). With O_PATH the result is an fd like one from openat(O_PATH); a symbolic link opens as the link
     * itself. The caller closes the returned fd and keeps {@code mountFd}.
     *
     * @throws LinuxException ESTALE if the inode no longer exists, EBADF for an O_PATH {@code mountFd}, EPERM without CAP_DAC_READ_SEARCH, EINVAL for a
     *                        handle the file system does not recognise, the errno of open for the access asked
     */
    public static Fd open_by_handle_at(Fd mountFd, FileHandle handle, int flags) throws LinuxException {
        int m = mountFd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(HEADER + handle.length(), 4);
            h.set(JAVA_INT, 0, handle.length());
            h.set(JAVA_INT, 4, handle.type());
            MemorySegment.copy(handle.bytes(), 0, h, JAVA_BYTE, HEADER, handle.length());
            int fd = (int) open_by_handle_at.HANDLE.invokeExact(Libc.errnoSlot(), m, h, flags | Fcntl.O_CLOEXEC);
            if (fd < 0) throw Calls.fail("open_by_handle_at(fd " + m + ", " + handle + ", "
                    + OpenFlags.describe(flags) + ")");
            return Fd.adopt(fd);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            mountFd.release();
        }
    }
}

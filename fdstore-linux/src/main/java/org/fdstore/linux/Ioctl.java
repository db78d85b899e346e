package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to ioctl(2) of {@code <sys/ioctl.h>}, one typed method per request: the /dev/fuse device ioctls of
 * include/uapi/linux/fuse.h (protocol 7.45, Linux 6.18).
 *
 * <p>No method takes ownership of an {@code Fd} it is given; the caller closes them. Backing ids are not fds: they
 * belong to the FUSE connection and live until {@link #backingClose} or the end of the connection.
 *
 * <p>Thread safe.
 */
public final class Ioctl {
    /** {@code _IOR(229, 0, uint32_t)}: attach a newly opened /dev/fuse fd to an existing connection. */
    public static final long FUSE_DEV_IOC_CLONE = 0x8004e500L;
    /** {@code _IOW(229, 1, struct fuse_backing_map)}: register a backing file for passthrough; returns its id. */
    public static final long FUSE_DEV_IOC_BACKING_OPEN = 0x4010e501L;
    /** {@code _IOW(229, 2, uint32_t)}: release a backing id. */
    public static final long FUSE_DEV_IOC_BACKING_CLOSE = 0x4004e502L;

    /** {@code struct fuse_backing_map}: i32 fd, u32 flags, u64 padding. */
    private static final long BACKING_MAP_SIZE = 16;

    // The C function in a holder class, linked on its first call (see Libc).
    private static final class ioctl {
        static final MethodHandle HANDLE = Libc.downcall("ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    }

    private Ioctl() {}

    /**
     * FUSE_DEV_IOC_BACKING_OPEN: registers {@code backing} (a regular file opened for the access the FUSE file will
     * need) with the connection of {@code dev} and returns its backing id (1, 2, ...), to put in an OPEN or CREATE
     * reply with FOPEN_PASSTHROUGH.
     *
     * <p>Needs CAP_SYS_ADMIN and a connection whose INIT reply agreed FUSE_PASSTHROUGH: before INIT is answered it
     * fails with EPERM. A directory gives EISDIR. The kernel takes its own reference to the file, so the caller may
     * close {@code backing} right after.
     */
    public static int backingOpen(Fd dev, Fd backing) throws LinuxException {
        int d = dev.acquire();
        int b = backing.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment map = arena.allocate(BACKING_MAP_SIZE, 8);
            map.set(JAVA_INT, 0, b);    // fd
            map.set(JAVA_INT, 4, 0);    // flags: none defined
            map.set(JAVA_LONG, 8, 0L);  // padding
            int r = (int) ioctl.HANDLE.invokeExact(Libc.errnoSlot(), d, FUSE_DEV_IOC_BACKING_OPEN, map);
            if (r < 0) throw Calls.fail("ioctl(fd " + d + ", FUSE_DEV_IOC_BACKING_OPEN, fd " + b + ")");
            return r;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            backing.release();
            dev.release();
        }
    }

    /**
     * FUSE_DEV_IOC_BACKING_CLOSE: releases backing id {@code id} of the connection of {@code dev}. Files already
     * opened with it keep their own reference to the backing file. An unknown id fails with ENOENT.
     */
    public static void backingClose(Fd dev, int id) throws LinuxException {
        int d = dev.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocateFrom(JAVA_INT, id);
            int r = (int) ioctl.HANDLE.invokeExact(Libc.errnoSlot(), d, FUSE_DEV_IOC_BACKING_CLOSE, arg);
            if (r < 0) throw Calls.fail("ioctl(fd " + d + ", FUSE_DEV_IOC_BACKING_CLOSE, " + id + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            dev.release();
        }
    }

    /**
     * FUSE_DEV_IOC_CLONE: attaches {@code newDev}, a freshly opened /dev/fuse, to the connection {@code session}
     * serves, so requests can be read from either. Fails with EPERM when {@code session} has no
     * connection yet (measured on 6.18), and with EINVAL when {@code newDev} is already attached.
     */
    public static void clone(Fd newDev, Fd session) throws LinuxException {
        int d = newDev.acquire();
        int s = session.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocateFrom(JAVA_INT, s);
            int r = (int) ioctl.HANDLE.invokeExact(Libc.errnoSlot(), d, FUSE_DEV_IOC_CLONE, arg);
            if (r < 0) throw Calls.fail("ioctl(fd " + d + ", FUSE_DEV_IOC_CLONE, fd " + s + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            session.release();
            newDev.release();
        }
    }
}

package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to mmap(2) and munmap(2) of {@code <sys/mman.h>}, for shared mappings of files such as a memfd.
 *
 * <p>Thread safe. A mapping stays valid after its fd is closed, until {@link Mapping#close()}.
 */
public final class Mman {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final long MAP_FAILED = -1L;
    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class mmap {
        static final MethodHandle HANDLE = Libc.downcall("mmap",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }
    private static final class munmap {
        static final MethodHandle HANDLE = Libc.downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private Mman() {}

    /** A shared mapping; closing it unmaps. Not thread safe to close while others use the segment. */
    public record Mapping(MemorySegment segment) implements AutoCloseable {
        @Override
        public void close() {
            try {
                int ignored = (int) munmap.HANDLE.invokeExact(Libc.errnoSlot(), segment, segment.byteSize());
            } catch (Throwable t) {
                throw Calls.unexpected(t);
            }
        }
    }

    /** mmap(NULL, length, PROT_READ|PROT_WRITE (or read only), MAP_SHARED, fd, 0). */
    public static Mapping mmapShared(Fd fd, long length, boolean writable) throws LinuxException {
        int n = fd.acquire();
        try {
            MemorySegment address = (MemorySegment) mmap.HANDLE.invokeExact(Libc.errnoSlot(), MemorySegment.NULL,
                    length, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, n, 0L);
            if (address.address() == MAP_FAILED) throw Calls.fail("mmap(fd " + n + ", " + length + " bytes)");
            return new Mapping(address.reinterpret(length));
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }
}

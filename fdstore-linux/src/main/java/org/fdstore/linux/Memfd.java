package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import org.fdstore.linux.internal.Libc;

/**
 * Binding to memfd_create(2) of {@code <sys/mman.h>}: anonymous memory with a descriptor, which can be stored,
 * passed and mapped by another process.
 *
 * <p>Thread safe.
 */
public final class Memfd {
    private static final int MFD_CLOEXEC = 1;
    // The C function in a holder class, linked on its first call (see Libc).
    private static final class memfd_create {
        static final MethodHandle HANDLE =
                Libc.downcall("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    private Memfd() {}

    /** memfd_create(name, MFD_CLOEXEC): an empty file in memory; size it with {@link Unistd#ftruncate}. */
    public static Fd memfdCreate(String name) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) memfd_create.HANDLE.invokeExact(Libc.errnoSlot(), arena.allocateFrom(name), MFD_CLOEXEC);
            if (fd < 0) throw Calls.fail("memfd_create(\"" + name + "\")");
            return Fd.adopt(fd);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}

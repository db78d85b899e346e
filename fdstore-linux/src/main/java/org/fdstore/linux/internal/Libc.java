package org.fdstore.linux.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one place that links C library functions. Every handle captures errno, so a failure can name it.
 *
 * <p>Each function is linked on its first call, not when the class of its header loads: linking costs a cold JVM
 * milliseconds per function (a stub class and dozens of lambda forms, which the AOT cache does not keep), and a
 * short command calls a handful of the functions whose classes it touches. The binding classes keep each handle in
 * a holder class of its own, named after the C function as jextract names them:
 * <pre>{@code
 * private static final class read {
 *     static final MethodHandle HANDLE = Libc.downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ...));
 * }
 * ... (long) read.HANDLE.invokeExact(Libc.errnoSlot(), fd, buffer, count) ...
 * }</pre>
 * The JVM initialises the holder, and so links the function, on the first call; the handle stays a
 * {@code static final} that the JIT folds into a direct call. {@link org.fdstore.linux.Downcalls#linkAll} links a
 * binding class's functions ahead of time, for a process that must not pay for it later (a standby about to serve).
 *
 * <p>Thread safe. A symbol the C library lacks fails the initialisation of its holder, on the first call, naming the
 * symbol; so does every function in a JVM the bindings cannot run in ({@link Platform}: another architecture, or
 * no native access), naming what is missing. Both throw {@link UnsatisfiedLinkError}: an Error reaches the caller as
 * itself through the holder's initialisation, where an exception would arrive wrapped.
 */
public final class Libc {
    private static final String PLATFORM_PROBLEM = Platform.problem();
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // One errno slot per thread: a call captures into it and reads it back before the thread can make another call.
    private static final ThreadLocal<MemorySegment> ERRNO_SLOT =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

    private Libc() {}

    /** Links {@code name} with errno capture; extra options (such as firstVariadicArg) follow it. */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        if (PLATFORM_PROBLEM != null) throw new UnsatisfiedLinkError(PLATFORM_PROBLEM);
        MemorySegment address = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("the C library has no symbol " + name));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(address, descriptor, options);
    }

    /** This thread's errno slot, passed as the first argument of every handle made by {@link #downcall}. */
    public static MemorySegment errnoSlot() {
        return ERRNO_SLOT.get();
    }

    /** The errno captured by this thread's last call. */
    public static int errno() {
        return (int) ERRNO.get(ERRNO_SLOT.get(), 0L);
    }
}

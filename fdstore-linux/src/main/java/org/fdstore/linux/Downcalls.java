package org.fdstore.linux;

/**
 * Links C functions ahead of their first calls. A binding class of this package ({@link Socket}, {@link Unistd}...)
 * links each of its functions on the function's first call (see {@code internal.Libc}), which costs a cold JVM
 * milliseconds per function; a process that must not pay for that at a bad moment, such as a standby before it
 * takes over, links what it will need here first.
 *
 * <p>Thread safe.
 */
public final class Downcalls {
    private Downcalls() {}

    /**
     * Links every C function of each binding class in {@code bindings} now, by initialising its nested classes (the
     * holder of each function, and any other nested type it declares).
     *
     * @throws LinkageError if the C library lacks one of the functions
     */
    public static void linkAll(Class<?>... bindings) {
        for (Class<?> binding : bindings) {
            for (Class<?> nested : binding.getDeclaredClasses()) {
                try {
                    Class.forName(nested.getName(), true, nested.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("a nested class of " + binding.getName() + " vanished", e);
                }
            }
        }
    }
}

package org.fdstore.linux.internal;

import java.util.Set;

/**
 * What the bindings need of the JVM they run in: Linux on x86_64, whose system call numbers and struct layouts they
 * hard-code (on another architecture a call would silently do something else), and native access for the module
 * that calls the Linker. {@link Libc} asks once, and refuses to link any function if either is missing.
 */
final class Platform {
    /** The values of {@code os.arch} on x86_64 (the JDK says amd64; some builds say x86_64). */
    private static final Set<String> SUPPORTED_ARCHS = Set.of("amd64", "x86_64");

    private Platform() {}

    /** Why the bindings cannot run on {@code osArch}, or null when they can. */
    static String archProblem(String osArch) {
        if (SUPPORTED_ARCHS.contains(osArch)) return null;
        return "fdstore supports Linux on x86_64 only: os.arch is " + osArch + ", whose system call numbers and"
                + " struct layouts differ from the x86_64 ones fdstore-linux uses";
    }

    /**
     * Why {@code module} may not call the Linker, or null when it may: the JVM option that grants it, naming the
     * module, or ALL-UNNAMED for jars on the class path. The JDK itself only warns (a later release is to refuse);
     * this names the option at the first call instead.
     */
    static String nativeAccessProblem(Module module, boolean enabled) {
        if (enabled) return null;
        String advice = module.isNamed() ? "--enable-native-access=" + module.getName()
                : "--enable-native-access=ALL-UNNAMED (or the manifest attribute Enable-Native-Access: ALL-UNNAMED"
                        + " of an executable jar)";
        return "fdstore-linux calls C functions through java.lang.foreign: start the JVM with " + advice;
    }

    /** The first problem of this JVM, or null when the bindings can run in it. */
    static String problem() {
        Module module = Platform.class.getModule();
        String arch = archProblem(System.getProperty("os.arch"));
        return arch != null ? arch : nativeAccessProblem(module, module.isNativeAccessEnabled());
    }
}

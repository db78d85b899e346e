package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DowncallsTest extends LeakChecked {
    /** Every top-level class of this package, as compiled: the binding classes among them. */
    private static List<Class<?>> packageClasses() throws Exception {
        Path dir = Path.of(Downcalls.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("org/fdstore/linux");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .<Class<?>>map(n -> load("org.fdstore.linux." + n.substring(0, n.length() - ".class".length())))
                    .toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void linkAll_everyBindingClass_findsEverySymbolInTheCLibrary() throws Exception {
        List<Class<?>> classes = packageClasses();
        assertThat(classes).contains(Socket.class, Unistd.class, Stat.class);
        // Linking is lazy, so a missing or misspelt symbol would otherwise only fail on its first call.
        assertThatCode(() -> Downcalls.linkAll(classes.toArray(Class<?>[]::new))).doesNotThrowAnyException();
    }

    @Test
    void linkAll_thenCall_works() throws IOException {
        Downcalls.linkAll(Unistd.class);
        assertThat(Unistd.getpid()).isEqualTo((int) ProcessHandle.current().pid());
    }
}

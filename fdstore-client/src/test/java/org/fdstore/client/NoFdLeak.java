package org.fdstore.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Fails a test after which this process holds more or fewer open fds than before it: {@code @ExtendWith}. */
final class NoFdLeak implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NoFdLeak.class);

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        context.getStore(NAMESPACE).put("fds", openFds());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        long before = context.getStore(NAMESPACE).get("fds", Long.class);
        assertThat(openFds()).as("open fds of this process after the test").isEqualTo(before);
    }

    private static long openFds() throws IOException {
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            return list.count();
        }
    }
}

package org.fdstore.e2e;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For a daemon a whole test class shares: notes its fd count before each test, and after it clears the store and
 * waits until the count is back there, so that a test neither leaks descriptors nor leaves entries to the next.
 * Register it with {@code @RegisterExtension} on an instance field.
 */
final class ClearedAfterEach implements BeforeEachCallback, AfterEachCallback {
    private final Supplier<DaemonProcess> daemon;
    private int baselineFds;

    /** For the daemon {@code daemon} gives (read at each test, so it may be started in {@code @BeforeAll}). */
    ClearedAfterEach(Supplier<DaemonProcess> daemon) {
        this.daemon = daemon;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        baselineFds = daemon.get().fdCount();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        StoreSnapshot.clear(daemon.get().socket());
        daemon.get().awaitFdCount(baselineFds);
    }

    /** The daemon's open fds before the current test. */
    int baselineFds() {
        return baselineFds;
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.fdstore.client.FdStore;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A daemon for each test, and the check after it that neither the daemon nor this JVM kept a descriptor: the
 * daemon's fd count returns to what it was after its warm-up, this JVM's to what it was before the test. Register it
 * with {@code @RegisterExtension}.
 */
final class LeakCheckedDaemon implements BeforeEachCallback, AfterEachCallback {
    /** Makes the directory of the daemon's socket and log. */
    interface DirMaker {
        Path make() throws IOException;
    }

    private final DirMaker dirMaker;
    private final String[] options;
    private Path dir;
    private DaemonProcess daemon;
    private int baselineFds;
    private int ownFds;

    /** A daemon with the fixture's defaults, in a private temporary directory. */
    LeakCheckedDaemon() {
        this(() -> Files.createTempDirectory("fdstore-daemon"));
    }

    /** A daemon in the directory {@code dirMaker} makes, with extra {@code options}. */
    LeakCheckedDaemon(DirMaker dirMaker, String... options) {
        this.dirMaker = dirMaker;
        this.options = options;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = dirMaker.make();
        daemon = DaemonProcess.start(dir, options);
        baselineFds = daemon.fdCount();
        ownFds = OwnFds.count();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            daemon.awaitFdCount(baselineFds);
            // Awaited, not read once: the JDK closes some sockets of its own later (HttpURLConnection keeps an idle
            // connection for reuse up to 5 s), and a real leak stays past the wait.
            Await.until("this client to hold " + ownFds + " fds again", java.time.Duration.ofSeconds(10),
                    () -> OwnFds.count() == ownFds, () -> "(holds " + OwnFds.count() + ")");
        } finally {
            try {
                assertThat(daemon.stop()).isZero();
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** The directory of the daemon's socket and log, removed after the test. */
    Path dir() {
        return dir;
    }

    /** The running daemon. */
    DaemonProcess daemon() {
        return daemon;
    }

    /** A new client connection to the daemon. */
    FdStore connect() throws Exception {
        return FdStore.connect(daemon.socket().toString());
    }
}

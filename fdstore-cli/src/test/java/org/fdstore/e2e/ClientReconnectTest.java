package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.Restored;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client library across the death of a real daemon: SIGKILL it, start another on the same socket path, and
 * the connection carries on. The daemons run without a mirror, so the second one starts empty: what the tests
 * look at is the client.
 */
class ClientReconnectTest {
    @TempDir Path dir;
    private DaemonProcess first;
    private DaemonProcess second;
    private int ownFds;

    @BeforeEach
    void start() throws Exception {
        first = DaemonProcess.start(dir);
        ownFds = OwnFds.count();
    }

    @AfterEach
    void stop() {
        try {
            assertThat(OwnFds.count()).as("this client's own open fds").isEqualTo(ownFds);
        } finally {
            first.kill();
            if (second != null) second.close();
        }
    }

    @Test
    void kill_thenNewDaemon_readWaitsForItAndSucceeds() throws Exception {
        try (FdStore store = FdStore.connect(first.socket().toString());
             Fd fd = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            store.save(fd, "before");
            first.kill();

            // Sent while no daemon listens: the client retries connect until the successor is up.
            CompletableFuture<List<EntryInfo>> list = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.list();
                } catch (FdStoreException e) {
                    throw new RuntimeException(e);
                }
            });
            second = DaemonProcess.start(dir);
            try (FdStore other = FdStore.connect(second.socket().toString())) {
                other.save(fd, "after");
            }

            assertThat(list.get(30, TimeUnit.SECONDS)).extracting(EntryInfo::name).isSubsetOf("after");
            assertThat(store.list()).extracting(EntryInfo::name).containsExactly("after");
            assertThat(store.daemonPid()).isEqualTo(second.pid());
        }
    }

    @Test
    void kill_withRequestsInFlight_resendsRestoreAndReportsSaveOutcomeUnknown() throws Exception {
        try (FdStore store = FdStore.connect(first.socket().toString());
             Fd fd = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            store.save(fd, "kept");
            first.signal("STOP");
            // Both reach the stopped daemon's socket; neither is answered before it dies.
            CompletableFuture<Long> save = store.saveAsync(fd, "in-flight", null);
            CompletableFuture<Restored> restore = store.restoreAsync(new Selector.ByName("kept"));
            first.kill();
            second = DaemonProcess.start(dir);
            try (FdStore other = FdStore.connect(second.socket().toString())) {
                other.save(fd, "kept");
            }

            store.awaitSubmitted();

            assertThatThrownBy(save::get).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(FdStoreException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.ECONNRESET);
                        assertThat(e.outcomeUnknown()).isTrue();
                        assertThat(e.refusedByDaemon()).isFalse();
                    })
                    .hasMessageContaining("SAVE request").hasMessageContaining("check with list");
            try (Restored restored = restore.get()) {
                assertThat(restored.entry().name()).isEqualTo("kept");
            }
            assertThat(store.list()).extracting(EntryInfo::name).containsExactly("kept");
        }
    }
}

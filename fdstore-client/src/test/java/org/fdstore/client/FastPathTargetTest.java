package org.fdstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Memfd;
import org.fdstore.linux.Proc;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.FastPathLayout;
import org.junit.jupiter.api.Test;

/**
 * The fast path copies fds out of the process the daemon names: that process must run as a trusted uid, as the
 * daemon behind the socket must. A real process of another uid (setpriv) stands for a process a daemon could name.
 */
class FastPathTargetTest {
    static final int OTHER = 4514;
    private static final TrustedUids ROOT_ONLY = trustedRootOnly();

    private static TrustedUids trustedRootOnly() {
        try {
            return TrustedUids.of(0, TrustedUids.NONE, Map.of());
        } catch (FdStoreException e) {
            throw new AssertionError(e);
        }
    }

    /** An index with a valid header and one slot, in a memfd. */
    private static Fd index() throws Exception {
        Fd fd = Memfd.memfdCreate("fast-path-test");
        long size = FastPathLayout.size(1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(size);
            header.set(ValueLayout.JAVA_INT_UNALIGNED, FastPathLayout.OFFSET_MAGIC, FastPathLayout.MAGIC);
            header.set(ValueLayout.JAVA_INT_UNALIGNED, FastPathLayout.OFFSET_VERSION, FastPathLayout.VERSION);
            header.set(ValueLayout.JAVA_INT_UNALIGNED, FastPathLayout.OFFSET_SLOT_SIZE, FastPathLayout.SLOT_SIZE);
            header.set(ValueLayout.JAVA_INT_UNALIGNED, FastPathLayout.OFFSET_SLOT_COUNT, 1);
            Unistd.pwrite(fd, header, size, 0);
        }
        return fd;
    }

    @Test
    void open_targetOfAnotherUid_failsWithEperm() throws Exception {
        Process other = new ProcessBuilder("setpriv", "--reuid=" + OTHER, "--regid=" + OTHER, "--clear-groups",
                "sleep", "60").start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Proc.effectiveUid((int) other.pid()) != OTHER) {
                if (System.nanoTime() > deadline) throw new AssertionError("setpriv did not become uid " + OTHER);
                Thread.sleep(5);
            }
            Fd index = index();
            assertThatThrownBy(() -> FastPathClient.open(index, (int) other.pid(), 3, ROOT_ONLY))
                    .isInstanceOf(FdStoreException.class)
                    .hasMessageStartingWith("the fast path's daemon process " + other.pid() + " runs as uid " + OTHER
                            + ", expected 0 (EPERM)")
                    .satisfies(e -> assertThat(((FdStoreException) e).errno()).isEqualTo(Errno.EPERM));
            assertThat(index.isOpen()).as("the index fd, closed in every case").isFalse();
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void open_targetOfTrustedUid_maps() throws Exception {
        try (Fd index = index(); Fd ours = index.duplicate()) {
            // This process (root) stands for the daemon: it holds the index at ours' number.
            try (FastPathClient client = FastPathClient.open(index, (int) ProcessHandle.current().pid(),
                    ours.number(), ROOT_ONLY)) {
                assertThat(client).isNotNull();
            }
        }
    }
}

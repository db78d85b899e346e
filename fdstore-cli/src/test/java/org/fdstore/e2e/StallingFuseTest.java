package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.fuse.FuseAttr;
import org.fdstore.fuse.FuseContext;
import org.fdstore.fuse.FuseEntry;
import org.fdstore.fuse.FuseFilesystem;
import org.fdstore.fuse.FuseReply;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.fuse.FuseSession;
import org.fdstore.fuse.MountOptions;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Mount;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.DropTarget;
import org.fdstore.protocol.InspectInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FUSE server that never answers stalls no one but the processes that wait on it: a client saves a file of such a
 * mount, and the daemon describes it, lists and inspects it, refuses a bad request that carried it, and closes it
 * when removed or dropped, while other clients' saves, restores, lists and removes complete as usual. The mount is this test's
 * own: once armed, it answers no GETATTR, STATX or FLUSH until the test ends.
 */
class StallingFuseTest {
    /** A generous bound for an operation that does not wait on the stalled mount: a hang, not a speed, fails it. */
    private static final long PROMPT_SECONDS = 5;

    @RegisterExtension final LeakCheckedDaemon fixture = new LeakCheckedDaemon();
    @TempDir Path dir;

    /** The root (node 1) holds the file "stalled" (node 2). Attributes are never cached, so any stat would ask. */
    static final class StallingFs implements FuseFilesystem {
        static final byte[] NAME = "stalled".getBytes(StandardCharsets.US_ASCII);
        private static final long FILE = 2;
        volatile boolean armed;
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger stalledFlushes = new AtomicInteger();
        final AtomicInteger stalledAttrs = new AtomicInteger();
        /** The kinds of request that came while armed. */
        final Set<String> armedRequests = ConcurrentHashMap.newKeySet();

        @Override
        public FuseReply handle(FuseRequest request) throws LinuxException {
            if (armed) armedRequests.add(request.getClass().getSimpleName());
            return switch (request) {
                case FuseRequest.Lookup l when l.context().nodeId() == FuseContext.ROOT_ID
                        && Arrays.equals(l.name(), NAME) -> FuseReply.entry(new FuseEntry(FILE, 1, Duration.ZERO,
                        Duration.ZERO, attr(FILE)));
                case FuseRequest.Lookup l -> FuseReply.error(Errno.ENOENT);
                case FuseRequest.Getattr g -> stallIfArmed(stalledAttrs, FuseReply.attr(attr(g.context().nodeId()),
                        Duration.ZERO));
                case FuseRequest.Statx s -> stallIfArmed(stalledAttrs, FuseReply.error(Errno.ENOSYS));
                case FuseRequest.Flush f -> stallIfArmed(stalledFlushes, FuseReply.ok());
                case FuseRequest.Open o -> FuseReply.open(10, 0);
                case FuseRequest.Opendir o -> FuseReply.open(11, 0);
                case FuseRequest.Release r -> FuseReply.ok();
                case FuseRequest.Releasedir r -> FuseReply.ok();
                case FuseRequest.Access a -> FuseReply.ok();
                case FuseRequest.Getxattr g -> FuseReply.error(Errno.ENODATA);
                case FuseRequest.Forget f -> FuseReply.none();
                case FuseRequest.BatchForget f -> FuseReply.none();
                case FuseRequest.Interrupt i -> FuseReply.none();
                case FuseRequest.Destroy d -> FuseReply.ok();
                default -> FuseReply.error(Errno.ENOSYS);
            };
        }

        private FuseReply stallIfArmed(AtomicInteger count, FuseReply reply) throws LinuxException {
            if (!armed) return reply;
            count.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new LinuxException("stalled request", Errno.EINTR);
            }
            return reply;
        }

        private static FuseAttr attr(long node) {
            if (node == FILE) return FuseAttr.of(node, Stat.S_IFREG | 0644, 1, 0, 0, 0, 1_700_000_000L);
            return FuseAttr.of(node, Stat.S_IFDIR | 0755, 2, 0, 0, 0, 1_700_000_000L);
        }
    }

    /** Opens a client connection to the store under test. */
    interface Connector {
        FdStore connect() throws Exception;
    }

    private static final ExecutorService CLIENTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stalling-fuse-test-client");
        t.setDaemon(true);
        return t;
    });

    /** Runs {@code operation} and fails unless it completes within {@link #PROMPT_SECONDS}. */
    private static <T> T promptly(String what, Callable<T> operation) throws Exception {
        Future<T> result = CLIENTS.submit(operation);
        try {
            return result.get(PROMPT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not complete within " + PROMPT_SECONDS + " s while a FUSE mount"
                    + " stalls: the daemon waited on it");
        }
    }

    /** A whole save, restore, list, inspect and remove of an ordinary file by a client of its own. */
    private static void otherClientWorks(Path dir, Connector store, String name) throws Exception {
        Path file = Files.writeString(dir.resolve(name), "content of " + name);
        promptly("another client's save, restore, list, inspect and remove of " + name, () -> {
            try (FdStore other = store.connect(); Fd fd = Fcntl.open(file.toString(), Fcntl.O_RDONLY, 0)) {
                other.save(fd, name);
                try (Fd restored = other.restore(name)) {
                    assertThat(Stat.fstat(restored).ino()).isEqualTo(Stat.fstat(fd).ino());
                }
                assertThat(other.list()).anyMatch(e -> e.name().equals(name));
                assertThat(other.inspect()).anyMatch(i -> i.entry().name().equals(name));
                other.remove(name);
            }
            return null;
        });
    }

    private static void awaitCount(String what, AtomicInteger count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROMPT_SECONDS * 4);
        while (count.get() == 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void saveListRemove_fileOfAStalledMount_delaysNoOtherClient() throws Exception {
        scenario(dir, fixture::connect);
    }

    /**
     * Mounts a {@link StallingFs} in {@code dir}; a client saves its file, inspects it, has a save of it refused and
     * removes it, while other clients of {@code store} work on files of their own, each step within
     * {@link #PROMPT_SECONDS}. Unmounts whatever happens.
     */
    static void scenario(Path dir, Connector store) throws Exception {
        boolean rootWithFuse = Unistd.getuid() == 0 && Files.isWritable(Path.of("/dev/fuse"));
        if ("true".equals(System.getenv("CI"))) assertThat(rootWithFuse).as("CI=true: needs root and /dev/fuse").isTrue();
        Assumptions.assumeTrue(rootWithFuse, "needs root and /dev/fuse");
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        StallingFs fs = new StallingFs();
        FuseSession session = FuseSession.mount(mnt, "stallfs", "stall", MountOptions.defaults(), fs);
        Fd stalled = null;
        try {
            session.start(4);
            session.awaitInit(Duration.ofSeconds(20));
            stalled = Fcntl.open(mnt.resolve("stalled").toString(), Fcntl.O_RDONLY, 0);
            fs.armed = true;

            try (FdStore toucher = store.connect()) {
                Fd file = stalled;
                long id = promptly("the save of the stalled file", () -> toucher.save(file, "stalled"));
                InspectInfo info = promptly("inspect", () -> toucher.inspect()).stream()
                        .filter(i -> i.entry().id() == id).findFirst().orElseThrow();
                assertThat(info.entry().target()).isEqualTo(mnt.resolve("stalled").toString());
                assertThat(info.entry().kind().label()).isEqualTo("file");
                assertThat(info.mountPoint()).isEqualTo(mnt.toString());
                otherClientWorks(dir, store, "before");

                // A refused request closes the fd it carried: that close is a FLUSH nobody answers.
                assertThatThrownBy(() -> promptly("a refused save", () -> toucher.save(file, "stalled")))
                        .isInstanceOfSatisfying(FdStoreException.class,
                                e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
                awaitCount("the daemon's FLUSH of the refused fd", fs.stalledFlushes);
                otherClientWorks(dir, store, "during-refused-flush");

                long second = promptly("a second save of the stalled file", () -> toucher.save(file, "again"));
                promptly("the removal of the stalled entry", () -> toucher.remove(id));
                otherClientWorks(dir, store, "during-removed-flush");
                // DROP waits briefly for the closes it makes, but not for a mount that already stalls one.
                assertThat(promptly("the drop of the other stalled entry",
                        () -> toucher.drop(new DropTarget.Id(second)))).isEqualTo(1);
                otherClientWorks(dir, store, "after-drop");
                assertThat(promptly("list", toucher::list)).noneMatch(e -> e.id() == id || e.id() == second);
            }
            // Describing, listing and inspecting asked the server nothing (readlink of /proc/self/fd/N is d_path);
            // only closes reached it.
            assertThat(fs.armedRequests).as("requests the daemon sent the stalled server").containsOnly("Flush");
            assertThat(fs.stalledAttrs).as("GETATTR or STATX sent while armed").hasValue(0);
        } finally {
            fs.release.countDown();
            if (stalled != null) stalled.close();
            try {
                session.unmount();
            } finally {
                try {
                    Mount.umount2(mnt.toString(), Mount.MNT_DETACH);
                } catch (LinuxException e) {
                    // EINVAL: unmounted already, as it should be.
                }
            }
        }
    }
}

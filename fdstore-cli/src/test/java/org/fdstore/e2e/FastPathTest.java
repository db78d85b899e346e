package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.SaveOptions;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Memfd;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fast-path restore against a real daemon: pidfd_getfd of the daemon's descriptor under the index's seqlock,
 * the fallback to the socket for peers that may not ptrace the daemon, and that a removed entry is never returned.
 */
class FastPathTest {
    private static final int ADMIN_GROUP = 4200;
    private static final int OTHER_ADMIN = 4103;
    private static final int OTHER_USER = 4101;

    @RegisterExtension final LeakCheckedDaemon fixture = new LeakCheckedDaemon(
            () -> PeerClasspath.newSharedDir("fastpath"), "--admin-group", Integer.toString(ADMIN_GROUP),
            "--log-level", "debug");

    private FdStore connect() throws Exception {
        return fixture.connect();
    }

    @Test
    void restoreFast_asRoot_returnsTheSameOpenFileWithoutTheSocket() throws Exception {
        try (FdStore store = connect();
             Fd file = Fcntl.open(fixture.dir().resolve("shared").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644)) {
            long id = store.save(file, "shared");
            assertThat(store.fastPathAvailable()).isTrue();
            try (Fd fast = store.restoreFast(id)) {
                assertThat(Stat.fstat(fast).ino()).isEqualTo(Stat.fstat(file).ino());
                Unistd.lseek(fast, 777, Unistd.SEEK_SET);
                assertThat(Unistd.lseek(file, 0, Unistd.SEEK_CUR)).as("shared offset").isEqualTo(777);
                assertThat(Fcntl.getDescriptorFlags(fast) & 1).as("FD_CLOEXEC").isEqualTo(1);
            }
            assertThat(fixture.daemon().logLines("event=restore ", "name=shared")).as("fast-path restores bypass the daemon").isEmpty();
            store.remove(id);
            assertThatRestoreFastFails(store, id);
        }
    }

    @Test
    void restoreFast_ownerBoundOrUnknownEntry_fallsBackToTheSocket() throws Exception {
        try (FdStore store = connect(); Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            long id = store.save(file, "bound", null, SaveOptions.DEFAULT.withOwnerBound(Duration.ofSeconds(5)));
            try (Fd restored = store.restoreFast(id)) {
                assertThat(Stat.fstat(restored).ino()).isEqualTo(Stat.fstat(file).ino());
            }
            fixture.daemon().awaitLog(1, "event=restore ", "id=" + id);
            assertThatRestoreFastFails(store, 1_000_000_000L);
            store.remove(id);
        }
    }

    private static void assertThatRestoreFastFails(FdStore store, long id) {
        try (Fd unexpected = store.restoreFast(id)) {
            throw new AssertionError("restored " + unexpected + " for id " + id);
        } catch (FdStoreException e) {
            assertThat(e.errno()).isEqualTo(Errno.ENOENT);
        }
    }

    /**
     * One connection saves a new memfd holding its round number, then removes it, over and over (the daemon reuses
     * the entry id and very likely its descriptor number each round), and now and then connects a client, which the
     * daemon accepts into the number just freed; another connection restores that id on the fast path. Every fd it
     * gets must be a round's memfd (not the socket) whose remove had not returned before the restore began.
     */
    @Test
    void restoreFast_whileRemovedAndResavedConcurrently_neverReturnsARemovedEntry() throws Exception {
        int rounds = 8_000;
        AtomicLongArray removedAt = new AtomicLongArray(rounds);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        long id;
        try (FdStore writer = connect(); FdStore reader = connect()) {
            try (Fd first = roundFile(0)) {
                id = writer.save(first);
            }
            writer.remove(id);
            assertThat(reader.fastPathAvailable()).isTrue();
            Thread thread = Thread.ofPlatform().start(() -> {
                try {
                    // Pipelined, so that rounds follow each other within microseconds in the fixture.daemon(). A round counts
                    // as removed from when the reply to its REMOVE was read, which is after the daemon removed it.
                    for (int k = 1; k < rounds; k++) {
                        int round = k;
                        try (Fd f = roundFile(k)) {
                            writer.saveAsync(f, null, null).thenAccept(again -> {
                                if (again != id) writerFailure.set(new AssertionError("round " + round + " got id " + again));
                            });
                        }
                        writer.removeAsync(new Selector.ById(id)).thenRun(() -> removedAt.set(round, System.nanoTime()));
                        if (k % 4 == 0) {
                            // The daemon accepts it into the lowest free number, very likely the one just freed by
                            // the remove: a stale slot would now name a socket, not a saved file.
                            writer.awaitSubmitted();
                            connect().close();
                        }
                    }
                    writer.awaitSubmitted();
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            });
            int fast = 0;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(8);
                while (thread.isAlive()) {
                    long started = System.nanoTime();
                    Fd got;
                    try {
                        got = reader.restoreFast(id);
                    } catch (FdStoreException e) {
                        assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                        continue;
                    }
                    try (got) {
                        assertThat(Unistd.pread(got, buffer, 8, 0)).isEqualTo(8);
                        int k = (int) buffer.get(ValueLayout.JAVA_LONG, 0);
                        long removed = removedAt.get(k);
                        assertThat(removed == 0 || removed > started)
                                .as("round %d was removed %d ns before the restore began", k, started - removed)
                                .isTrue();
                        fast++;
                    }
                }
            }
            thread.join();
            assertThat(writerFailure.get()).isNull();
            assertThat(fast).as("restores that found an entry").isPositive();
        }
    }

    /** A memfd holding {@code round} as its first 8 bytes. */
    private static Fd roundFile(long round) throws Exception {
        Fd f = Memfd.memfdCreate("round");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_LONG, round);
            Unistd.pwrite(f, value, 8, 0);
            return f;
        } catch (Exception e) {
            f.close();
            throw e;
        }
    }

    @Test
    void restoreFast_peersThatMayNotPtraceTheDaemon_fallBackToTheSocket() throws Exception {
        try (FdStore store = connect(); Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0);
             Peer root = Peer.root(fixture.daemon().socket());
             Peer admin = Peer.user(OTHER_ADMIN, fixture.daemon().socket(), ADMIN_GROUP);
             Peer user = Peer.user(OTHER_USER, fixture.daemon().socket())) {
            long inode = Stat.fstat(file).ino();
            long id = store.save(file);
            assertThat(root.ok("restorefast " + id)).isEqualTo(id + " " + inode + " fast=true");
            // Granted the index (admin group), but pidfd_getfd fails with EPERM: another uid may not ptrace root.
            assertThat(admin.ok("restorefast " + id)).isEqualTo(id + " " + inode + " fast=false");
            // Refused the index: it may not restore every entry. Its restore is refused as usual (out of reach).
            assertThat(user.err("restorefast " + id, "ENOENT")).contains("no entry with id " + id);
            long userId = Long.parseLong(user.ok("save mine"));
            assertThat(user.ok("restorefast " + userId)).endsWith(" fast=false");
            store.remove(id);
            store.remove(userId);
        }
    }
}

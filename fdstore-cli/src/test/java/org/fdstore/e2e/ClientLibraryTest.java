package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.Restored;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileKind;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Java client library against a real daemon process; this test JVM is the client. */
class ClientLibraryTest {
    @TempDir Path dir;
    @RegisterExtension final LeakCheckedDaemon fixture = new LeakCheckedDaemon();

    private FdStore connect() throws Exception {
        return fixture.connect();
    }

    @Test
    void restore_twice_bothFdsShareOneOffsetWithTheSaver() throws Exception {
        try (FdStore store = connect();
             Fd file = Fcntl.open(dir.resolve("shared").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644)) {
            long id = store.save(file, "shared");
            try (Fd a = store.restore(id); Fd b = store.restore("shared")) {
                assertThat(a.number()).isNotEqualTo(b.number());
                Unistd.lseek(a, 1234, Unistd.SEEK_SET);
                assertThat(Unistd.lseek(b, 0, Unistd.SEEK_CUR)).isEqualTo(1234);
                assertThat(Unistd.lseek(file, 0, Unistd.SEEK_CUR)).isEqualTo(1234);
            }
            assertThat(store.remove(id)).isEqualTo(id);
        }
    }

    @Test
    void restore_manyTimes_eachIsANewFdToTheSameFile() throws Exception {
        Files.writeString(dir.resolve("many"), "x");
        try (FdStore store = connect(); Fd file = Fcntl.open(dir.resolve("many").toString(), Fcntl.O_RDONLY, 0)) {
            long id = store.save(file);
            long inode = org.fdstore.linux.Stat.fstat(file).ino();
            for (int i = 0; i < 500; i++) {
                try (Fd again = store.restore(id)) {
                    assertThat(org.fdstore.linux.Stat.fstat(again).ino()).isEqualTo(inode);
                }
            }
            store.remove(id);
        }
    }

    @Test
    void take_removesTheEntry_andRemoveThenRestoreFailsWithEnoent() throws Exception {
        try (FdStore store = connect(); Fd file = Fcntl.open("/dev/null", Fcntl.O_RDWR, 0)) {
            long id = store.save(file, "once", "meta".getBytes(StandardCharsets.UTF_8));
            Restored taken = store.take(new Selector.ById(id));
            try (Fd fd = taken.fd()) {
                assertThat(taken.entry().name()).isEqualTo("once");
                assertThat(taken.entry().metadata()).isEqualTo("meta".getBytes(StandardCharsets.UTF_8));
                assertThat(taken.entry().kind()).isEqualTo(FileKind.CHARACTER_DEVICE);
            }
            assertThat(store.list()).isEmpty();
            assertThatThrownBy(() -> store.restore(id))
                    .isInstanceOfSatisfying(FdStoreException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                    .hasMessageContaining("no entry with id " + id);
            long again = store.save(file);
            store.remove(again);
            assertThatThrownBy(() -> store.restore(again)).isInstanceOf(FdStoreException.class);
        }
    }

    @Test
    void list_describesKindsTargetsAndTheSaver() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_STREAM);
        try (FdStore store = connect(); Fd a = pair[0]; Fd b = pair[1];
             Fd d = Fcntl.open(dir.toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0)) {
            store.save(a, "sock");
            store.save(d, "dir");
            List<EntryInfo> entries = store.list();
            assertThat(entries).extracting(EntryInfo::name).containsExactly("sock", "dir");
            assertThat(entries.get(0).kind()).isEqualTo(FileKind.SOCKET);
            assertThat(entries.get(0).target()).startsWith("socket:[");
            assertThat(entries.get(1).kind()).isEqualTo(FileKind.DIRECTORY);
            assertThat(entries.get(1).target()).isEqualTo(dir.toRealPath().toString());
            assertThat(entries.get(1).pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(entries.get(1).savedAtMillis()).isCloseTo(System.currentTimeMillis(),
                    org.assertj.core.data.Offset.offset(60_000L));
            store.remove("sock");
            store.remove("dir");
        }
    }

    @Test
    void jdkTypes_saveAFileChannel_restoreAsFileChannelAndFileDescriptor() throws Exception {
        Path path = dir.resolve("jdk");
        Files.writeString(path, "from the jdk");
        try (FdStore store = connect(); FileChannel channel = FileChannel.open(path)) {
            long id = store.save(channel, "jdk");
            try (FileChannel restored = store.restoreChannel(new Selector.ById(id))) {
                ByteBuffer buffer = ByteBuffer.allocate(64);
                restored.read(buffer, 0);
                assertThat(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8))
                        .isEqualTo("from the jdk");
            }
            try (FileInputStream in = new FileInputStream(store.restoreFileDescriptor(new Selector.ByName("jdk")))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from the jdk");
            }
            store.remove(id);
        }
    }

    @Test
    void pipelinedClients_manyConnections_eachServed() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger errors = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (FdStore store = connect(); Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
                    for (int i = 0; i < 100; i++) {
                        long id = store.save(file);
                        store.restore(id).close();
                        store.remove(id);
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) t.join(60_000);
        assertThat(errors.get()).isZero();
    }

    @Test
    void saveAsync_pipelinedThenFdClosedAtOnce_everySaveLandsInOrder() throws Exception {
        int count = 2000;
        List<java.util.concurrent.CompletableFuture<Long>> ids = new java.util.ArrayList<>();
        try (FdStore store = connect()) {
            for (int i = 0; i < count; i++) {
                try (Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
                    ids.add(store.saveAsync(file, "async-" + i, null));
                }
            }
            store.awaitSubmitted();
            for (int i = 0; i < count; i++) assertThat(ids.get(i).join()).isEqualTo(i + 1L);
            java.util.concurrent.CompletableFuture<Long> duplicate;
            try (Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
                duplicate = store.saveAsync(file, "async-0", null);
            }
            assertThat(store.list()).hasSize(count);
            assertThat(duplicate).isCompletedExceptionally();
            assertThatThrownBy(duplicate::join).cause().isInstanceOfSatisfying(FdStoreException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST)).hasMessageContaining("async-0");
            for (int i = 1; i <= count; i++) store.remove(i);
        }
    }
}

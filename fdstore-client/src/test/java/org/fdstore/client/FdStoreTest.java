package org.fdstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileKind;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.MessageType;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoFdLeak.class)
class FdStoreTest {
    @TempDir
    Path dir;

    @Test
    void connect_noSocket_namesSocketAndHowToStartDaemon() {
        String path = dir.resolve("nobody.sock").toString();

        assertThatThrownBy(() -> FdStore.connect(path))
                .isInstanceOfSatisfying(FdStoreException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.refusedByDaemon()).isFalse();
                })
                .hasMessage("cannot connect to " + path + ": ENOENT (No such file or directory); is the daemon"
                        + " running? start it with: bin/fdstore daemon --socket " + path);
    }

    @Test
    void connect_socketWithoutListener_failsWithEconnrefused() throws Exception {
        String path = dir.resolve("deaf.sock").toString();
        try (Fd bound = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0)) {
            Socket.bind(bound, path);

            assertThatThrownBy(() -> FdStore.connect(path))
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.ECONNREFUSED))
                    .hasMessageStartingWith("cannot connect to " + path + ": ECONNREFUSED (Connection refused);");
        }
    }

    @Test
    void save_helloPipelined_sendsHelloAndSaveBeforeReadingAnyReply() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            DecodedRequest hello = peer.receive();
            assertThat(hello.request()).isInstanceOfSatisfying(Request.Hello.class, h -> {
                assertThat(h.minVersion()).isEqualTo(Limits.VERSION);
                assertThat(h.maxVersion()).isEqualTo(Limits.VERSION);
                assertThat(h.client()).isEqualTo("fdstore-client pid " + ProcessHandle.current().pid());
            });
            // The client must not wait for the HELLO reply, or this receive would never return.
            DecodedRequest save = peer.receive();
            assertThat(save.request()).isEqualTo(new Request.Save("db", "hi".getBytes(StandardCharsets.UTF_8)));
            assertThat(save.header().fdCount()).isEqualTo(1);
            peer.welcome(hello);
            peer.reply(save, new Reply.Saved(7), List.of());
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path());
             Fd file = Fcntl.open(dir.resolve("db").toString(), Fcntl.O_RDWR | Fcntl.O_CREAT, 0600)) {
            assertThat(store.save(file, "db", "hi".getBytes(StandardCharsets.UTF_8))).isEqualTo(7);
            assertThat(store.daemonPid()).isEqualTo(4242);
            assertThat(store.socketPath()).isEqualTo(fake.path());
        }
    }

    @Test
    void daemonPid_beforeAnyRequest_readsHelloReply() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThat(store.daemonPid()).isEqualTo(4242);
            assertThat(store.daemonPid()).isEqualTo(4242);
        }
    }

    @Test
    void restore_refused_throwsDaemonMessageAndKeepsConnection() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest restore = peer.receive();
            assertThat(restore.request()).isEqualTo(new Request.Restore(new Selector.ById(1)));
            peer.reply(restore, Reply.Failure.of(Errno.ENOENT, "no entry with id 1"), List.of());
            DecodedRequest remove = peer.receive();
            assertThat(remove.request()).isEqualTo(new Request.Remove(new Selector.ByName("db")));
            peer.reply(remove, new Reply.Removed(3), List.of());
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThatThrownBy(() -> store.restore(1))
                    .isInstanceOfSatisfying(FdStoreException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                        assertThat(e.refusedByDaemon()).isTrue();
                    })
                    .hasMessage("no entry with id 1");
            assertThat(store.remove("db")).isEqualTo(3);
        }
    }

    @Test
    void restore_replyWithFd_returnsEntryAndOwnedFd() throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "hello");
        EntryInfo entry = entry(5, "data", file.toString());
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest restore = peer.receive();
            try (Fd stored = Fcntl.open(file.toString(), Fcntl.O_RDWR, 0)) {
                peer.reply(restore, new Reply.Restored(entry), List.of(stored));
            }
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path());
             Restored restored = store.restore(Selector.parse("data"))) {
            assertThat(restored.entry()).isEqualTo(entry);
            assertThat(restored.fd().describe().target()).isEqualTo(file.toString());
        }
    }

    @Test
    void restoreChannel_replyWithFd_readsTheFile() throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "hello");
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest restore = peer.receive();
            try (Fd stored = Fcntl.open(file.toString(), Fcntl.O_RDONLY, 0)) {
                peer.reply(restore, new Reply.Restored(entry(5, "", file.toString())), List.of(stored));
            }
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path());
             FileChannel channel = store.restoreChannel(new Selector.ById(5))) {
            ByteBuffer content = ByteBuffer.allocate(16);
            channel.read(content, 0);
            assertThat(new String(content.array(), 0, content.position(), StandardCharsets.UTF_8))
                    .isEqualTo("hello");
        }
    }

    @Test
    void take_replyWithoutFd_failsWithEprotoAndClosesConnection() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest take = peer.receive();
            // The header announces the fd, but none travels with the frame.
            peer.sendRaw(peer.encode(MessageType.TAKE.replyCode(), take.header().requestId(),
                    new Reply.Restored(entry(1, "", "/x")), 1), List.of());
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThatThrownBy(() -> store.take(1))
                    .isInstanceOfSatisfying(FdStoreException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
                        assertThat(e.refusedByDaemon()).isFalse();
                    })
                    .hasMessageStartingWith("malformed reply from the daemon on " + fake.path() + ": ");
            assertThatThrownBy(store::list)
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.ENOTCONN))
                    .hasMessage("connection to " + fake.path() + " is closed");
        }
    }

    @Test
    void remove_replyWithStrayFd_closesItAndFailsWithEproto() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest remove = peer.receive();
            try (Fd stray = Fcntl.open(dir.toString(), Fcntl.O_RDONLY, 0)) {
                peer.sendRaw(peer.encode(MessageType.REMOVE.replyCode(), remove.header().requestId(),
                        new Reply.Removed(1), 0), List.of(stray));
            }
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThatThrownBy(() -> store.remove(1))
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.EPROTO));
        }
        // noFdLeaked checks that the stray fd was closed.
    }

    @Test
    void remove_replyToAnotherRequest_failsWithEproto() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest remove = peer.receive();
            peer.reply(MessageType.REMOVE.replyCode(), remove.header().requestId() + 1, false,
                    new Reply.Removed(1), List.of());
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThatThrownBy(() -> store.remove(1))
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.EPROTO))
                    .hasMessageContaining("answered REMOVE request");
        }
    }

    @Test
    void remove_replyOfAnotherType_failsWithEproto() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest remove = peer.receive();
            peer.reply(MessageType.SAVE.replyCode(), remove.header().requestId(), false, new Reply.Saved(1),
                    List.of());
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThatThrownBy(() -> store.remove(1))
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.EPROTO))
                    .hasMessageContaining("with a SAVE reply");
        }
    }

    @Test
    void list_continuedFrames_gathersAllEntries() throws Exception {
        EntryInfo first = entry(1, "a", "/a");
        EntryInfo second = entry(2, "", "/b");
        EntryInfo third = entry(3, "c", "socket:[1]");
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest list = peer.receive();
            assertThat(list.request()).isEqualTo(new Request.ListEntries());
            int type = MessageType.LIST.replyCode();
            long id = list.header().requestId();
            peer.reply(type, id, true, new Reply.Listed(List.of(first, second)), List.of());
            peer.reply(type, id, true, new Reply.Listed(List.of()), List.of());
            peer.reply(type, id, false, new Reply.Listed(List.of(third)), List.of());
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThat(store.list()).containsExactly(first, second, third);
        }
    }

    @Test
    void list_helloRefused_throwsRefusalAndClosesConnection() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            DecodedRequest hello = peer.receive();
            peer.receive();
            peer.reply(hello, Reply.Failure.of(Errno.EPROTONOSUPPORT, "this daemon speaks version 2 only"),
                    List.of());
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThatThrownBy(store::list)
                    .isInstanceOfSatisfying(FdStoreException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.EPROTONOSUPPORT);
                        assertThat(e.refusedByDaemon()).isTrue();
                    })
                    .hasMessage("this daemon speaks version 2 only");
            assertThatThrownBy(store::daemonPid)
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.ENOTCONN));
        }
    }

    @Test
    void list_daemonHangsUpAndNoneReturns_failsWithEconnresetThenEnotconn() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.receive();
            peer.receive();
        }); FdStore store = FdStore.connect(fake.path(), java.time.Duration.ofMillis(300))) {
            assertThatThrownBy(store::list)
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.ECONNRESET))
                    .hasMessage("the daemon on " + fake.path() + " closed the connection, and no daemon answered "
                            + "there within 300 ms: ECONNREFUSED (Connection refused)");
            assertThatThrownBy(() -> store.remove(1))
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.ENOTCONN));
        }
    }

    @Test
    void close_whileCallBlocked_wakesItWithEnotconn() throws Exception {
        CountDownLatch requested = new CountDownLatch(1);
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.receive();
            peer.receive();
            requested.countDown();
            assertThat(peer.receivesEnd()).isTrue();
        })) {
            FdStore store = FdStore.connect(fake.path());
            CompletableFuture<Long> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.remove(1);
                } catch (FdStoreException e) {
                    throw new RuntimeException(e);
                }
            });
            assertThat(requested.await(10, TimeUnit.SECONDS)).as("fake daemon received REMOVE").isTrue();
            store.close();
            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().cause()
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.ENOTCONN));
        }
    }

    @Test
    void save_closedFd_failsWithEbadfAndKeepsConnection() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest remove = peer.receive();
            peer.reply(remove, new Reply.Removed(2), List.of());
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path())) {
            Fd closed = Fcntl.open(dir.toString(), Fcntl.O_RDONLY, 0);
            closed.close();
            assertThatThrownBy(() -> store.save(closed))
                    .isInstanceOfSatisfying(FdStoreException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
            assertThat(store.remove(2)).isEqualTo(2);
        }
    }

    @Test
    void save_jdkFileDescriptorAndChannel_sendsSameOpenFile() throws Exception {
        Path file = dir.resolve("jdk");
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            for (long id = 1; id <= 2; id++) {
                DecodedRequest save = peer.receive();
                assertThat(save.header().fdCount()).isEqualTo(1);
                peer.reply(save, new Reply.Saved(id), List.of());
            }
            assertThat(peer.receivesEnd()).isTrue();
        }); FdStore store = FdStore.connect(fake.path());
             RandomAccessFile raf = new RandomAccessFile(new File(file.toString()), "rw");
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(store.save(raf.getFD(), "raf")).isEqualTo(1);
            assertThat(store.save(channel, null)).isEqualTo(2);
            assertThat(raf.getFD().valid()).isTrue();
            assertThat(channel.isOpen()).isTrue();
        }
    }

    @Test
    void connection_noFdsLeak_afterFailedConnect() {
        assertThatThrownBy(() -> FdStore.connect(dir.resolve("none").toString()))
                .isInstanceOf(FdStoreException.class);
    }

    private static EntryInfo entry(long id, String name, String target) {
        return new EntryInfo(id, name, FileKind.REGULAR, Fcntl.O_RDWR, 100, 1000, 1000, 1_700_000_000_000L,
                target, new byte[] {1, 2});
    }
}

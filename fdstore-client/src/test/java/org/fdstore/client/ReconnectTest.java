package org.fdstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileKind;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.MessageType;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client across the daemon's GOAWAY and death, against a fake daemon on a real socket that accepts a second
 * connection as the successor would.
 */
@ExtendWith(NoFdLeak.class)
class ReconnectTest {
    @TempDir
    Path dir;

    @Test
    void goAway_midPipeline_resendsEveryUnansweredRequestInOrder() throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "x");
        List<String> resent = new ArrayList<>();
        try (FakeDaemon fake = FakeDaemon.start(dir, old -> {
            old.welcome(old.receive());
            DecodedRequest first = old.receive();
            for (int i = 0; i < 3; i++) old.receive();
            old.reply(first, new Reply.Saved(1), List.of());
            old.goAway(Reply.GoAway.Reason.HANDOVER);
        }, successor -> {
            successor.welcome(successor.receive());
            DecodedRequest save = successor.receive();
            DecodedRequest remove = successor.receive();
            DecodedRequest restore = successor.receive();
            for (DecodedRequest r : List.of(save, remove, restore)) {
                resent.add(r.request().type() + " fds=" + r.header().fdCount());
            }
            successor.reply(save, new Reply.Saved(2), List.of());
            successor.reply(remove, new Reply.Removed(7), List.of());
            try (Fd stored = Fcntl.open(file.toString(), Fcntl.O_RDONLY, 0)) {
                successor.reply(restore, new Reply.Restored(entry(1, file.toString())), List.of(stored));
            }
        }); FdStore store = FdStore.connect(fake.path())) {
            CompletableFuture<Long> save1;
            CompletableFuture<Long> save2;
            try (Fd a = Fcntl.open(file.toString(), Fcntl.O_RDONLY, 0);
                 Fd b = Fcntl.open(file.toString(), Fcntl.O_RDONLY, 0)) {
                save1 = store.saveAsync(a, "a", null);
                save2 = store.saveAsync(b, "b", null);
            }
            // The caller closed its fds: the resent SAVE carries the store's own duplicate.
            CompletableFuture<Long> remove = store.removeAsync(new Selector.ById(7));
            CompletableFuture<Restored> restore = store.restoreAsync(new Selector.ById(1));

            store.awaitSubmitted();

            assertThat(save1).isCompletedWithValue(1L);
            assertThat(save2).isCompletedWithValue(2L);
            assertThat(remove).isCompletedWithValue(7L);
            try (Restored r = restore.get()) {
                assertThat(r.fd().describe().target()).isEqualTo(file.toString());
            }
        }
        assertThat(resent).containsExactly("SAVE fds=1", "REMOVE fds=0", "RESTORE fds=0");
    }

    @Test
    void goAway_duringBlockingSave_resendsItAndReturnsTheNewId() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, old -> {
            old.welcome(old.receive());
            old.receive();
            old.goAway(Reply.GoAway.Reason.SHUTDOWN);
        }, successor -> {
            successor.welcome(successor.receive());
            DecodedRequest save = successor.receive();
            assertThat(save.header().fdCount()).isEqualTo(1);
            successor.reply(save, new Reply.Saved(5), List.of());
        }); FdStore store = FdStore.connect(fake.path());
             Fd fd = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            assertThat(store.save(fd, "db")).isEqualTo(5);
        }
    }

    @Test
    void goAway_whileIdle_nextRequestGoesToTheSuccessor() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, old -> {
            old.welcome(old.receive());
            old.goAway(Reply.GoAway.Reason.HANDOVER);
        }, successor -> {
            DecodedRequest hello = successor.receive();
            successor.reply(hello, new Reply.Welcome(1, 0, 5151, 131072, 255, 65536, 253), List.of());
            successor.reply(successor.receive(), new Reply.Listed(List.of()), List.of());
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThat(store.daemonPid()).isEqualTo(4242);

            assertThat(store.list()).isEmpty();
            assertThat(store.daemonPid()).isEqualTo(5151);
        }
    }

    @Test
    void crash_midPipeline_resendsReadsAndReportsMutationsAsOutcomeUnknown() throws Exception {
        List<MessageType> resent = new ArrayList<>();
        try (FakeDaemon fake = FakeDaemon.start(dir, dying -> {
            dying.welcome(dying.receive());
            dying.receive(); // SAVE
            dying.receive(); // REMOVE
            dying.receive(); // STATUS
            // Ends without GOAWAY: the client cannot know what was carried out.
        }, standby -> {
            standby.welcome(standby.receive());
            DecodedRequest status = standby.receive();
            resent.add(status.request().type());
            standby.reply(status, Reply.Failure.of(Errno.ENOSYS, "no STATUS here"), List.of());
            DecodedRequest list = standby.receive();
            resent.add(list.request().type());
            standby.reply(list, new Reply.Listed(List.of()), List.of());
        }); FdStore store = FdStore.connect(fake.path());
             Fd fd = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            CompletableFuture<Long> save = store.saveAsync(fd, "db", null);
            CompletableFuture<Long> remove = store.removeAsync(new Selector.ById(3));

            assertThatThrownBy(store::status).isInstanceOfSatisfying(FdStoreException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.ENOSYS));
            assertThat(store.list()).isEmpty();

            for (CompletableFuture<Long> mutation : List.of(save, remove)) {
                assertThatThrownBy(mutation::get).isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOfSatisfying(FdStoreException.class, e -> {
                            assertThat(e.errno()).isEqualTo(Errno.ECONNRESET);
                            assertThat(e.outcomeUnknown()).isTrue();
                        })
                        .hasMessageContaining("may or may not have been carried out; check with list");
            }
        }
        assertThat(resent).containsExactly(MessageType.STATUS, MessageType.LIST);
    }

    @Test
    void crash_midMultiFrameList_resendsTheListAndKeepsNoFrameOfTheDeadDaemon() throws Exception {
        try (FakeDaemon fake = FakeDaemon.start(dir, dying -> {
            dying.welcome(dying.receive());
            DecodedRequest list = dying.receive();
            dying.reply(list.header().type() | 0x80, list.header().requestId(), true,
                    new Reply.Listed(List.of(entry(1, "/old"))), List.of());
        }, standby -> {
            standby.welcome(standby.receive());
            standby.reply(standby.receive(), new Reply.Listed(List.of(entry(2, "/new"))), List.of());
        }); FdStore store = FdStore.connect(fake.path())) {
            assertThat(store.list()).extracting(EntryInfo::target).containsExactly("/new");
        }
    }

    private static EntryInfo entry(long id, String target) {
        return new EntryInfo(id, "data", FileKind.REGULAR, Fcntl.O_RDONLY, 100, 1000, 1000, 1_700_000_000_000L,
                target, new byte[0]);
    }
}

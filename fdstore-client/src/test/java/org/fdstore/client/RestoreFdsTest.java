package org.fdstore.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileKind;
import org.fdstore.protocol.BareEntry;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.Selector;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** restoreFds asks for bare entries when the daemon agreed to them in HELLO, and for whole ones otherwise. */
@ExtendWith(NoFdLeak.class)
class RestoreFdsTest {
    private static final List<Selector> SELECTORS = List.of(new Selector.ById(7), new Selector.ByName("db"));

    @TempDir
    Path dir;

    @Test
    void restoreFds_daemonAgreedToBareEntries_asksForThemAndPairsIdsNamesAndFds() throws Exception {
        List<String> seen = new ArrayList<>();
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            DecodedRequest hello = peer.receive();
            seen.add("hello features " + ((Request.Hello) hello.request()).features());
            peer.welcome(hello, Limits.FEATURE_BARE_RESTORE);
            DecodedRequest restore = peer.receive();
            seen.add("bare " + restore.header().bare() + " " + restore.request());
            try (Fd a = devNull(); Fd b = devNull()) {
                peer.reply(restore, new Reply.RestoredBare(List.of(new BareEntry(7, ""), new BareEntry(9, "db"))),
                        List.of(a, b));
            }
        }); FdStore store = FdStore.connect(fake.path())) {
            List<RestoredFd> restored = store.restoreFds(SELECTORS);
            try {
                assertThat(restored).extracting(RestoredFd::id, RestoredFd::name)
                        .containsExactly(Tuple.tuple(7L, ""),
                                Tuple.tuple(9L, "db"));
                assertThat(restored).allSatisfy(r -> assertThat(r.fd().isOpen()).isTrue());
            } finally {
                restored.forEach(RestoredFd::close);
            }
        }
        assertThat(seen).containsExactly("hello features " + Limits.FEATURE_BARE_RESTORE,
                "bare true " + new Request.RestoreSelected(SELECTORS, true));
    }

    @Test
    void restoreFds_daemonWithoutTheFeature_asksForWholeEntriesAndKeepsTheirIdsAndNames() throws Exception {
        List<Boolean> bare = new ArrayList<>();
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            DecodedRequest restore = peer.receive();
            bare.add(restore.header().bare());
            try (Fd a = devNull(); Fd b = devNull()) {
                peer.reply(restore, new Reply.RestoredMany(List.of(entry(7, ""), entry(9, "db"))), List.of(a, b));
            }
        }); FdStore store = FdStore.connect(fake.path())) {
            List<RestoredFd> restored = store.restoreFds(SELECTORS);
            try {
                assertThat(restored).extracting(RestoredFd::id).containsExactly(7L, 9L);
                assertThat(restored).extracting(RestoredFd::name).containsExactly("", "db");
            } finally {
                restored.forEach(RestoredFd::close);
            }
        }
        assertThat(bare).containsExactly(false);
    }

    private static Fd devNull() throws Exception {
        return Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0);
    }

    private static EntryInfo entry(long id, String name) {
        return new EntryInfo(id, name, "uid.0", FileKind.CHARACTER_DEVICE, 0, 1, 0, 0, 0, "/dev/null", new byte[0]);
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.Restored;
import org.fdstore.client.RestoredFd;
import org.fdstore.client.SaveItem;
import org.fdstore.client.SaveOptions;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.DecodedReply;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.RequestCodec;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** SAVE_MANY and RESTORE_MANY against a real daemon: more fds than one frame carries, all or nothing. */
class BulkTest {
    private static final int FILES = 1200;

    @TempDir Path dir;
    @RegisterExtension final LeakCheckedDaemon fixture = new LeakCheckedDaemon();

    private FdStore connect() throws Exception {
        return fixture.connect();
    }

    /** FILES distinct files, each holding its own index as text, opened read-only. */
    private List<Fd> openFiles() throws Exception {
        List<Fd> fds = new ArrayList<>(FILES);
        try {
            for (int i = 0; i < FILES; i++) {
                Path file = dir.resolve("f" + i);
                Files.writeString(file, "file " + i);
                fds.add(Fcntl.open(file.toString(), Fcntl.O_RDONLY, 0));
            }
        } catch (Exception e) {
            fds.forEach(Fd::close);
            throw e;
        }
        return fds;
    }

    private static String content(Fd fd) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(64);
            long n = Unistd.pread(fd, buffer, 64, 0);
            return new String(buffer.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    StandardCharsets.UTF_8);
        }
    }

    @Test
    void saveAllThenRestoreAllByNamespace_1200Files_eachFdIsItsOwnFile() throws Exception {
        List<Fd> files = openFiles();
        List<Long> inodes = new ArrayList<>();
        List<Long> ids;
        try (FdStore store = connect()) {
            List<SaveItem> items = new ArrayList<>();
            for (int i = 0; i < FILES; i++) {
                inodes.add(Stat.fstat(files.get(i)).ino());
                items.add(SaveItem.of(files.get(i), i % 2 == 0 ? "file-" + i : null));
            }
            ids = store.saveAll(items);
        } finally {
            files.forEach(Fd::close);
        }
        assertThat(ids).hasSize(FILES).doesNotHaveDuplicates();
        try (FdStore store = connect()) {
            List<Restored> restored = store.restoreAll((String) null);
            try {
                assertThat(restored).hasSize(FILES);
                for (Restored r : restored) {
                    int i = ids.indexOf(r.entry().id());
                    assertThat(i).as("restored id %d was saved", r.entry().id()).isNotNegative();
                    assertThat(Stat.fstat(r.fd()).ino()).isEqualTo(inodes.get(i));
                    assertThat(content(r.fd())).isEqualTo("file " + i);
                    assertThat(r.entry().name()).isEqualTo(i % 2 == 0 ? "file-" + i : "");
                }
            } finally {
                restored.forEach(Restored::close);
            }
            assertThat(store.drop(new org.fdstore.protocol.DropTarget.Namespace(store.defaultNamespace())))
                    .isEqualTo(FILES);
        }
    }

    @Test
    void restoreAllBySelectors_idsAndNames_comeInRequestOrder() throws Exception {
        List<Fd> files = openFiles();
        List<Long> ids;
        try (FdStore store = connect()) {
            List<SaveItem> items = new ArrayList<>();
            for (int i = 0; i < FILES; i++) items.add(SaveItem.of(files.get(i), "n" + i));
            ids = store.saveAll(items);
            List<Selector> selectors = new ArrayList<>();
            for (int i = FILES - 1; i >= 0; i--) {
                selectors.add(i % 3 == 0 ? new Selector.ByName("n" + i) : new Selector.ById(ids.get(i)));
            }
            List<Restored> restored = store.restoreAll(selectors);
            try {
                assertThat(restored).hasSize(FILES);
                for (int k = 0; k < FILES; k++) {
                    int i = FILES - 1 - k;
                    assertThat(restored.get(k).entry().id()).isEqualTo(ids.get(i));
                    assertThat(content(restored.get(k).fd())).isEqualTo("file " + i);
                }
            } finally {
                restored.forEach(Restored::close);
            }
            for (long id : ids) store.removeAsync(new Selector.ById(id));
            store.awaitSubmitted();
        } finally {
            files.forEach(Fd::close);
        }
    }

    @Test
    void restoreFds_bySelectorsAndByNamespace_giveEachEntrysIdNameAndFile() throws Exception {
        List<Fd> files = openFiles();
        List<Long> ids;
        try (FdStore store = connect()) {
            List<SaveItem> items = new ArrayList<>();
            for (int i = 0; i < FILES; i++) items.add(SaveItem.of(files.get(i), i % 2 == 0 ? "f\u00e6-" + i : null));
            ids = store.saveAll(items);
            List<Selector> selectors = new ArrayList<>();
            for (int i = FILES - 1; i >= 0; i--) selectors.add(new Selector.ById(ids.get(i)));

            List<RestoredFd> bySelectors = store.restoreFds(selectors);
            List<RestoredFd> byNamespace = store.restoreFds((String) null);
            try {
                assertThat(bySelectors).hasSize(FILES);
                for (int k = 0; k < FILES; k++) {
                    int i = FILES - 1 - k;
                    RestoredFd r = bySelectors.get(k);
                    assertThat(r.id()).isEqualTo(ids.get(i));
                    assertThat(r.name()).isEqualTo(i % 2 == 0 ? "f\u00e6-" + i : "");
                    assertThat(content(r.fd())).isEqualTo("file " + i);
                }
                assertThat(byNamespace).hasSize(FILES);
                for (RestoredFd r : byNamespace) {
                    assertThat(content(r.fd())).isEqualTo("file " + ids.indexOf(r.id()));
                }
            } finally {
                bySelectors.forEach(RestoredFd::close);
                byNamespace.forEach(RestoredFd::close);
            }
            assertThat(store.drop(new org.fdstore.protocol.DropTarget.Namespace(store.defaultNamespace())))
                    .isEqualTo(FILES);
        } finally {
            files.forEach(Fd::close);
        }
    }

    @Test
    void restoreMany_framesOfOneRequestDisagreeingOnBare_isAMalformedStream() throws Exception {
        try (RawClient raw = new RawClient(fixture.daemon().socket())) {
            raw.hello();
            List<Selector> one = List.of(new Selector.ById(1));
            raw.send(frame(5, new Request.RestoreSelected(one, true), true), List.of());
            raw.send(frame(5, new Request.RestoreSelected(one, false), false), List.of());

            DecodedReply reply = raw.receive();
            assertThat(reply.reply()).isInstanceOfSatisfying(Reply.Failure.class, f -> {
                assertThat(f.errnoName()).isEqualTo(Errno.EPROTO);
                assertThat(f.message()).isEqualTo("a frame of RESTORE_MANY request 5 clears BARE, unlike its first");
            });
            assertThat(raw.closedByDaemon()).isTrue();
        }
    }

    private static byte[] frame(long requestId, Request request, boolean continues) {
        ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME);
        int length = RequestCodec.encode(requestId, request, continues, out);
        return java.util.Arrays.copyOf(out.array(), length);
    }

    @Test
    void saveAll_oneBadItemAmong600_refusedAndStoresNothing() throws Exception {
        List<Fd> files = openFiles();
        try (FdStore store = connect()) {
            store.save(files.get(0), "taken");
            int entriesBefore = store.list().size();
            int fdsBefore = fixture.daemon().fdCount();
            List<List<SaveItem>> badBatches = List.of(
                    batch(files, 600, 450, SaveItem.of(files.get(450), "taken")),
                    batch(files, 600, 300, SaveItem.of(files.get(300), "12345")),
                    batch(files, 600, 599, SaveItem.of(files.get(599), "n10")),
                    batch(files, 600, 7, new SaveItem(files.get(7), null, null,
                            SaveOptions.DEFAULT.withNamespace(".."))));
            List<String> messages = new ArrayList<>();
            for (List<SaveItem> bad : badBatches) {
                FdStoreException e = org.junit.jupiter.api.Assertions.assertThrows(FdStoreException.class,
                        () -> store.saveAll(bad));
                assertThat(e.refusedByDaemon()).isTrue();
                messages.add(e.errno() + " " + e.getMessage());
                assertThat(store.list()).hasSize(entriesBefore);
                fixture.daemon().awaitFdCount(fdsBefore);
            }
            assertThat(messages.get(0)).startsWith("EEXIST").contains("item 450");
            assertThat(messages.get(1)).startsWith("EINVAL").contains("item 300");
            assertThat(messages.get(2)).startsWith("EEXIST").contains("item 599").contains("twice");
            assertThat(messages.get(3)).startsWith("EINVAL").contains("item 7");
            assertThat(store.saveAll(batch(files, 600, -1, null))).hasSize(600);
            assertThat(store.restoreAll((String) null)).hasSize(601).allSatisfy(Restored::close);
            assertThat(store.drop(new org.fdstore.protocol.DropTarget.Namespace(store.defaultNamespace())))
                    .isEqualTo(601);
        } finally {
            files.forEach(Fd::close);
        }
    }

    /** Items named n0.. for the first {@code count} files, with item {@code bad} replaced. */
    private static List<SaveItem> batch(List<Fd> files, int count, int bad, SaveItem replacement) {
        List<SaveItem> items = new ArrayList<>();
        for (int i = 0; i < count; i++) items.add(i == bad ? replacement : SaveItem.of(files.get(i), "n" + i));
        return items;
    }

    @Test
    void restoreAll_oneMissingSelector_refusedWithEnoentAndSendsNoFd() throws Exception {
        try (FdStore store = connect(); Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            long id = store.save(file, "present");
            assertThatThrownBy(() -> store.restoreAll(List.of(new Selector.ById(id), new Selector.ByName("absent"))))
                    .isInstanceOf(FdStoreException.class)
                    .satisfies(e -> assertThat(((FdStoreException) e).errno()).isEqualTo(Errno.ENOENT))
                    .hasMessageContaining("selector 1: no entry with name \"absent\"");
            assertThat(store.restoreAll(List.of(new Selector.ById(id)))).singleElement()
                    .satisfies(r -> r.close());
            assertThat(store.remove(id)).isEqualTo(id);
        }
    }

    @Test
    void restoreAll_emptyOrUnreachableNamespace_returnsNothing() throws Exception {
        try (FdStore store = connect()) {
            assertThat(store.restoreAll("nobody.here")).isEmpty();
            assertThatThrownBy(() -> store.restoreAll("..")).isInstanceOf(FdStoreException.class)
                    .satisfies(e -> assertThat(((FdStoreException) e).errno()).isEqualTo(Errno.EINVAL));
        }
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.client.Restored;
import org.fdstore.client.RestoredFd;
import org.fdstore.client.SaveItem;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Resource;
import org.fdstore.linux.Stat;
import org.fdstore.protocol.DropTarget;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 6's bulk size: 15,000 entries saved and restored in one request each, every fd its entry's, none leaked. */
class BulkLargeTest {
    private static final int ENTRIES = 15_000;

    @TempDir Path dir;
    @RegisterExtension final LeakCheckedDaemon fixture = new LeakCheckedDaemon();

    @Test
    void restoreFdsAndRestoreAll_15000Entries_everyFdIsItsEntrysFile() throws Exception {
        // The daemon holds the entries and this JVM as many restored fds: each needs that many descriptors.
        long limit = Resource.openFileLimit();
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(limit > ENTRIES + 1000, "RLIMIT_NOFILE " + limit + " leaves no room for " + ENTRIES + " fds");
        }
        Path even = dir.resolve("even");
        Path odd = dir.resolve("odd");
        Files.writeString(even, "even");
        Files.writeString(odd, "odd");
        try (FdStore store = fixture.connect();
             Fd evenFd = Fcntl.open(even.toString(), Fcntl.O_RDONLY, 0);
             Fd oddFd = Fcntl.open(odd.toString(), Fcntl.O_RDONLY, 0)) {
            long[] inodes = {Stat.fstat(evenFd).ino(), Stat.fstat(oddFd).ino()};
            List<SaveItem> items = new ArrayList<>(ENTRIES);
            for (int i = 0; i < ENTRIES; i++) items.add(SaveItem.of(i % 2 == 0 ? evenFd : oddFd, name(i)));
            List<Long> ids = store.saveAll(items);
            assertThat(ids).hasSize(ENTRIES).doesNotHaveDuplicates();
            List<Selector> selectors = new ArrayList<>(ENTRIES);
            for (int i = ENTRIES - 1; i >= 0; i--) selectors.add(new Selector.ById(ids.get(i)));

            List<RestoredFd> fds = store.restoreFds(selectors);
            try {
                assertThat(fds).hasSize(ENTRIES);
                for (int k = 0; k < ENTRIES; k++) {
                    int i = ENTRIES - 1 - k;
                    assertThat(fds.get(k).id()).isEqualTo(ids.get(i));
                    assertThat(fds.get(k).name()).isEqualTo(name(i) == null ? "" : name(i));
                    assertThat(Stat.fstat(fds.get(k).fd()).ino()).as("inode of entry %d", i).isEqualTo(inodes[i % 2]);
                }
            } finally {
                fds.forEach(RestoredFd::close);
            }

            List<Restored> entries = store.restoreAll(selectors);
            try {
                assertThat(entries).hasSize(ENTRIES);
                for (int k = 0; k < ENTRIES; k++) {
                    int i = ENTRIES - 1 - k;
                    assertThat(entries.get(k).entry().id()).isEqualTo(ids.get(i));
                    assertThat(entries.get(k).entry().target()).isEqualTo((i % 2 == 0 ? even : odd).toString());
                    assertThat(Stat.fstat(entries.get(k).fd()).ino()).isEqualTo(inodes[i % 2]);
                }
            } finally {
                entries.forEach(Restored::close);
            }
            assertThat(store.drop(new DropTarget.Namespace(store.defaultNamespace()))).isEqualTo(ENTRIES);
        }
    }

    /** Every third entry is named, so that bare entries carry names and empty ones. */
    private static String name(int i) {
        return i % 3 == 0 ? "e" + i : null;
    }
}

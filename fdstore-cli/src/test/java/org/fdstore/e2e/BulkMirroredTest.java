package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.fdstore.client.FdStore;
import org.fdstore.client.Restored;
import org.fdstore.client.SaveItem;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DropTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk requests on a mirrored daemon, whose replies wait until their changes reached the standby: a RESTORE_MANY
 * pipelined behind saves must still come after their replies, and a SAVE_MANY reaches the standby.
 */
class BulkMirroredTest {
    @TempDir Path dir;

    @Test
    void restoreAll_pipelinedBehindSaves_repliesStayInOrder() throws Exception {
        try (MirroredStore chain = MirroredStore.start(dir)) {
            chain.awaitStandby();
            try (FdStore store = FdStore.connect(chain.socket().toString());
                 Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
                List<SaveItem> items = new ArrayList<>();
                for (int i = 0; i < 600; i++) items.add(SaveItem.of(file, "m" + i));
                assertThat(store.saveAll(items)).hasSize(600);
                List<CompletableFuture<Long>> saves = new ArrayList<>();
                for (int i = 0; i < 20; i++) saves.add(store.saveAsync(file, "p" + i, null));
                List<Restored> all = store.restoreAll((String) null);
                try {
                    assertThat(all).hasSize(620);
                } finally {
                    all.forEach(Restored::close);
                }
                for (CompletableFuture<Long> save : saves) assertThat(save.join()).isPositive();
                assertThat(store.drop(new DropTarget.Namespace(store.defaultNamespace()))).isEqualTo(620);
            }
        }
    }
}

package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.client.SaveItem;
import org.fdstore.client.SaveOptions;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DropTarget;
import org.junit.jupiter.api.Test;

/** RESTORE_MANY under the default policy, against peers of other uids: each gets only what RESTORE would give it. */
class BulkPolicyTest {
    private static final int A = 4101;
    private static final int B = 4102;
    private static final int PER_NAMESPACE = 300;

    @Test
    void restoreAll_byNamespace_isFilteredByWhatEachPeerMayRestore() throws Exception {
        Path dir = PeerClasspath.newSharedDir("bulkpolicy");
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {
            int baselineFds = daemon.fdCount();
            try (FdStore root = FdStore.connect(daemon.socket().toString());
                 Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0);
                 Peer a = Peer.user(A, daemon.socket());
                 Peer b = Peer.user(B, daemon.socket())) {
                List<SaveItem> items = new ArrayList<>();
                for (int i = 0; i < PER_NAMESPACE; i++) {
                    items.add(new SaveItem(file, "a" + i, null, SaveOptions.DEFAULT.withNamespace("uid." + A)));
                    items.add(new SaveItem(file, "r" + i, null, SaveOptions.DEFAULT));
                }
                List<Long> ids = root.saveAll(items);
                assertThat(ids).hasSize(2 * PER_NAMESPACE);

                assertThat(a.ok("restoreall -").split(" ")).hasSize(PER_NAMESPACE)
                        .allSatisfy(e -> assertThat(e).contains(":uid." + A + "/a"));
                assertThat(a.ok("restoreall uid." + A).split(" ")).hasSize(PER_NAMESPACE);
                assertThat(a.ok("restoreall uid.0")).as("root's namespace looks empty to A").isEmpty();
                assertThat(b.ok("restoreall uid." + A)).as("A's namespace looks empty to B").isEmpty();
                assertThat(b.ok("restoreall -")).isEmpty();
                assertThat(root.restoreAll("uid." + A)).hasSize(PER_NAMESPACE).allSatisfy(r -> r.close());

                assertThat(root.drop(new DropTarget.Namespace("uid." + A))).isEqualTo(PER_NAMESPACE);
                assertThat(root.drop(new DropTarget.Namespace("uid.0"))).isEqualTo(PER_NAMESPACE);
            }
            daemon.awaitFdCount(baselineFds);
            assertThat(daemon.stop()).isZero();
        }
    }
}

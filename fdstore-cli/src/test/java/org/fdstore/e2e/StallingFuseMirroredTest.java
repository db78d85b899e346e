package org.fdstore.e2e;

import java.nio.file.Path;
import org.fdstore.client.FdStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StallingFuseTest}'s scenario against a daemon with its hot standby: the duplicates sent to the standby and
 * the standby's own copy of the stalled file are closed off both event loops too.
 */
class StallingFuseMirroredTest {
    @TempDir Path dir;

    @Test
    void saveListRemove_fileOfAStalledMountWithAStandby_delaysNoOtherClient() throws Exception {
        try (MirroredStore store = MirroredStore.start(dir)) {
            StallingFuseTest.scenario(dir, () -> FdStore.connect(store.socket().toString()));
        }
    }
}

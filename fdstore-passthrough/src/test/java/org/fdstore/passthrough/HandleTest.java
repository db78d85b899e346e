package org.fdstore.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A handle's metadata in the store round-trips, and handle numbers are reserved until released. */
class HandleTest {
    @Test
    void metadata_roundTrip_keepsEveryField() {
        Handle handle = new Handle(7, 42, null, 0x8002, 3, true, 0x1234_5678_9abcL);
        Handle back = Handle.fromStore(7, null, handle.metadata());
        assertThat(back).isEqualTo(handle);
    }

    @Test
    void handleTable_numberStaysReservedUntilReleased_andRecordsItsOpener() {
        HandleTable table = new HandleTable();
        long fh = table.reserve();
        table.put(new Handle(fh, 1, null, 0, 0, false, 99));
        assertThat(table.openedBy(99)).isNotNull();
        table.remove(fh);
        assertThat(table.reserve()).as("removed but not released").isNotEqualTo(fh);
        table.release(fh);
        assertThat(table.reserve()).isEqualTo(fh);
    }

    @Test
    void mountId_dependsOnTheNormalisedMountpointOnly() {
        assertThat(MountId.of(java.nio.file.Path.of("/mnt/a/../b")).namespace())
                .isEqualTo(MountId.of(java.nio.file.Path.of("/mnt/b")).namespace())
                .startsWith("fuse.").hasSize(17);
        assertThat(MountId.of(java.nio.file.Path.of("/mnt/b")).inode(5)).endsWith("/n5");
    }
}

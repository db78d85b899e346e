package org.fdstore.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inode table over a real state file (memfd, shared mapping) and real O_PATH fds. */
class InodeTableTest {
    @TempDir Path dir;
    private StateFile state;
    private InodeTable table;
    private int fdsBefore;

    @BeforeEach
    void create() throws Exception {
        fdsBefore = openFds();
        state = StateFile.create("/src", "/mnt");
        table = new InodeTable(state);
    }

    @AfterEach
    void noLeak() {
        table.closeAll();
        state.close();
        assertThat(openFds()).as("open fds after the test").isEqualTo(fdsBefore);
    }

    private Fd path() throws Exception {
        return Fcntl.openat(null, dir.toString(), Fcntl.O_PATH, 0);
    }

    @Test
    void lookup_sameIdentityTwice_sharesOneInodeAndCountsTwo() throws Exception {
        int[] created = {0};
        Inode first = table.lookup(8, 100, path(), i -> created[0]++);
        Inode second = table.lookup(8, 100, path(), i -> created[0]++);
        assertThat(second).isSameAs(first);
        assertThat(created[0]).isEqualTo(1);
        assertThat(state.lookups(first.nodeid())).isEqualTo(2);
        assertThat(table.forget(first.nodeid(), 1)).isNull();
        assertThat(table.forget(first.nodeid(), 1)).isSameAs(first);
        first.path().close();
    }

    @Test
    void forget_releasedId_isReusedWithANewGeneration() throws Exception {
        Inode first = table.lookup(8, 100, path(), i -> { });
        long nodeid = first.nodeid();
        table.forget(nodeid, 1).path().close();
        Inode blocked = table.lookup(8, 200, path(), i -> { });
        assertThat(blocked.nodeid()).as("a forgotten id stays reserved until released").isNotEqualTo(nodeid);
        table.release(nodeid);
        Inode reused = table.lookup(8, 300, path(), i -> { });
        assertThat(reused.nodeid()).isEqualTo(nodeid);
        assertThat(reused.generation()).isEqualTo(first.generation() + 1);
    }

    @Test
    void forget_moreThanCounted_clampsAtZero() throws Exception {
        Inode inode = table.lookup(8, 100, path(), i -> { });
        assertThat(table.forget(inode.nodeid(), 5)).isSameAs(inode);
        assertThat(state.lookups(inode.nodeid())).isZero();
        inode.path().close();
    }

    @Test
    void forget_root_isNeverForgotten() throws Exception {
        table.install(new Inode(InodeTable.ROOT, state.occupy(InodeTable.ROOT, 8, 2), 8, 2, path()));
        assertThat(table.forget(InodeTable.ROOT, 1000)).isNull();
        assertThat(table.get(InodeTable.ROOT).ino()).isEqualTo(2);
    }

    @Test
    void stateFile_reopenedFromItsFd_seesTheCountsAndClaimsAreExclusive() throws Exception {
        Inode inode = table.lookup(8, 100, path(), i -> { });
        try (StateFile again = StateFile.open(state.fd().duplicate())) {
            assertThat(again.lookups(inode.nodeid())).isEqualTo(1);
            assertThat(again.ino(inode.nodeid())).isEqualTo(100);
            state.servingPid(10);
            assertThat(again.claimServing(10, 20)).isTrue();
            assertThat(state.claimServing(10, 30)).as("the second claim loses").isFalse();
            assertThat(state.servingPid()).isEqualTo(20);
            assertThat(again.claimStandby(40)).isTrue();
            assertThat(state.claimStandby(50)).isFalse();
            assertThat(again.source()).isEqualTo("/src");
            assertThat(again.mountpoint()).isEqualTo("/mnt");
        }
    }

    private static int openFds() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }
}

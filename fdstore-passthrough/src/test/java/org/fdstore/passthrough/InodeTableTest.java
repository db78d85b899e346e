package org.fdstore.passthrough;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.Memfd;
import org.fdstore.linux.Mman;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inode table over a real state file (memfd, shared mapping), real files and real O_PATH fds. As root, the
 * temporary directory's file system (ext4 here) gives file handles that open again; without root it does not, and
 * inodes are held by fds.
 */
class InodeTableTest {
    private static final boolean ROOT = Unistd.geteuid() == 0;

    @TempDir Path dir;
    private StateFile state;
    private InodeTable table;
    private final List<Long> sourcesSaved = new ArrayList<>();
    private int fdsBefore;

    @BeforeEach
    void create() throws Exception {
        fdsBefore = openFds();
        state = StateFile.create("/src", "/mnt");
        SourceMounts sources = new SourceMounts((dev, fd) -> sourcesSaved.add(dev));
        table = new InodeTable(state, sources);
        for (String name : List.of("a", "b", "c")) Files.writeString(dir.resolve(name), name);
        try (Fd root = Fcntl.openat(null, dir.toString(), Fcntl.O_PATH, 0)) {
            sources.handleOf(root, Lookups.stat(root));   // As a mount probes its source's root.
        }
    }

    @AfterEach
    void noLeak() {
        table.closeAll();
        state.close();
        assertThat(openFds()).as("open fds after the test").isEqualTo(fdsBefore);
    }

    private Inode lookup(String name, List<Inode> created) throws Exception {
        Fd path = Fcntl.openat(null, dir.resolve(name).toString(), Fcntl.O_PATH | Fcntl.O_NOFOLLOW, 0);
        return table.lookup(Lookups.stat(path), path, created::add);
    }

    private Inode lookup(String name) throws Exception {
        return lookup(name, new ArrayList<>());
    }

    private static void closeFd(Inode inode) {
        if (inode.fd() != null) inode.fd().close();
    }

    @Test
    void lookup_sameIdentityTwice_sharesOneInodeAndCountsTwo() throws Exception {
        List<Inode> created = new ArrayList<>();
        Inode first = lookup("a", created);
        Inode second = lookup("a", created);
        assertThat(second).isSameAs(first);
        assertThat(created).containsExactly(first);
        assertThat(state.lookups(first.nodeid())).isEqualTo(2);
        assertThat(table.forget(first.nodeid(), 1)).isNull();
        assertThat(table.forget(first.nodeid(), 1)).isSameAs(first);
        closeFd(first);
    }

    @Test
    void lookup_onASourceWithHandles_holdsNoFdAndTheStateFileNamesTheInode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ROOT, "open_by_handle_at needs CAP_DAC_READ_SEARCH");
        int before = openFds();
        Inode a = lookup("a");
        assertThat(lookup("b").fd()).isNull();
        assertThat(a.fd()).as("held by its handle").isNull();
        assertThat(a.handle()).isNotNull().isEqualTo(state.handle(a.nodeid()));
        assertThat(sourcesSaved).containsExactly(((Number) Files.getAttribute(dir, "unix:dev")).longValue());
        assertThat(openFds()).as("no fd for the inodes").isEqualTo(before);
        try (InodeFd opened = table.open(a)) {
            assertThat(Lookups.stat(opened.fd()).ino()).isEqualTo(Files.getAttribute(dir.resolve("a"), "unix:ino"));
        }
        assertThat(openFds()).as("the operation's fd is closed after it").isEqualTo(before);
    }

    @Test
    void lookup_onASourceWithoutHandles_holdsAnFdAndLendsIt() throws Exception {
        Fd proc = Fcntl.openat(null, "/proc/self", Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0);
        List<Inode> created = new ArrayList<>();
        Inode inode = table.lookup(Lookups.stat(proc), proc, created::add);
        assertThat(inode.handle()).isNull();
        assertThat(inode.fd()).isSameAs(proc);
        assertThat(state.handle(inode.nodeid())).isNull();
        assertThat(created).containsExactly(inode);
        try (InodeFd lent = table.open(inode)) {
            assertThat(lent.fd()).isSameAs(proc);
        }
        assertThat(proc.isOpen()).as("a lent fd stays open").isTrue();
    }

    @Test
    void pin_ofAHandleInode_makesTheFdHoldItAndForgetReturnsIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ROOT, "open_by_handle_at needs CAP_DAC_READ_SEARCH");
        Inode a = lookup("a");
        Fd pin = Fcntl.openat(null, dir.resolve("a").toString(), Fcntl.O_PATH, 0);
        List<Inode> pinned = new ArrayList<>();
        table.pin(a, pin, pinned::add);
        Files.delete(dir.resolve("a"));
        Inode held = table.get(a.nodeid());
        assertThat(pinned).containsExactly(held);
        assertThat(held.fd()).isSameAs(pin);
        assertThat(held.handle()).isEqualTo(a.handle());
        try (InodeFd opened = table.open(held)) {
            assertThat(opened.fd()).isSameAs(pin);
            assertThat(Lookups.stat(opened.fd()).nlink()).isZero();
        }
        try (InodeFd byHandle = table.open(a)) {
            assertThat(Lookups.stat(byHandle.fd()).nlink()).as("the pin keeps the handle valid").isZero();
        }
        Inode gone = table.forget(a.nodeid(), 1);
        assertThat(gone.fd()).isSameAs(pin);
        closeFd(gone);
    }

    @Test
    void lookup_ofAnInodeNumberReusedBehindTheMount_givesANewNodeAndTheOldOneStays() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ROOT, "open_by_handle_at needs CAP_DAC_READ_SEARCH");
        Inode a = lookup("a");
        FileStat b = Stat.fstatat(null, dir.resolve("b").toString(), Fcntl.AT_SYMLINK_NOFOLLOW);
        // As if b's number had belonged to a file freed on the source: the table knows it with another handle.
        long staleId = 1000;
        Inode stale = new Inode(staleId, state.occupy(staleId, b.dev(), b.ino(), a.handle()), b.dev(), b.ino(),
                a.handle(), null);
        state.lookups(staleId, 1);
        table.install(stale);
        Inode fresh = lookup("b");
        assertThat(fresh.nodeid()).isNotEqualTo(staleId);
        assertThat(table.get(staleId)).as("the kernel may still hold the old node").isSameAs(stale);
        assertThat(table.find(b.dev(), b.ino())).isSameAs(fresh);
        assertThat(table.forget(staleId, 1)).isSameAs(stale);
        assertThat(table.find(b.dev(), b.ino())).as("forgetting the old node keeps the new file's").isSameAs(fresh);
        assertThat(lookup("b")).as("the same handle finds the same inode").isSameAs(fresh);
    }

    @Test
    void forget_releasedId_isReusedWithANewGeneration() throws Exception {
        Inode first = lookup("a");
        long nodeid = first.nodeid();
        closeFd(table.forget(nodeid, 1));
        Inode blocked = lookup("b");
        assertThat(blocked.nodeid()).as("a forgotten id stays reserved until released").isNotEqualTo(nodeid);
        table.release(nodeid);
        Inode reused = lookup("c");
        assertThat(reused.nodeid()).isEqualTo(nodeid);
        assertThat(reused.generation()).isEqualTo(first.generation() + 1);
        assertThat(state.highestNodeid()).isEqualTo(blocked.nodeid());
    }

    @Test
    void forget_moreThanCounted_clampsAtZero() throws Exception {
        Inode inode = lookup("a");
        assertThat(table.forget(inode.nodeid(), 5)).isSameAs(inode);
        assertThat(state.lookups(inode.nodeid())).isZero();
        closeFd(inode);
    }

    @Test
    void forget_root_isNeverForgotten() throws Exception {
        Fd root = Fcntl.openat(null, dir.toString(), Fcntl.O_PATH, 0);
        table.install(new Inode(InodeTable.ROOT, state.occupy(InodeTable.ROOT, 8, 2, null), 8, 2, null, root));
        assertThat(table.forget(InodeTable.ROOT, 1000)).isNull();
        assertThat(table.get(InodeTable.ROOT).ino()).isEqualTo(2);
    }

    @Test
    void stateFile_reopenedFromItsFd_seesTheCountsAndHandlesAndClaimsAreExclusive() throws Exception {
        Inode inode = lookup("a");
        FileStat st = Stat.fstatat(null, dir.resolve("a").toString(), Fcntl.AT_SYMLINK_NOFOLLOW);
        try (StateFile again = StateFile.open(state.fd().duplicate())) {
            assertThat(again.lookups(inode.nodeid())).isEqualTo(1);
            assertThat(again.ino(inode.nodeid())).isEqualTo(st.ino());
            assertThat(again.dev(inode.nodeid())).isEqualTo(st.dev());
            assertThat(again.handle(inode.nodeid())).isEqualTo(inode.handle());
            assertThat(again.highestNodeid()).isEqualTo(inode.nodeid());
            assertThat(again.heldNodes()).isEqualTo(1);
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

    @Test
    void stateFile_ofTheLayoutBeforeFileHandles_isRefusedNamingBothVersionsButItsHeaderOpens() throws Exception {
        Fd old = Memfd.memfdCreate("fdstore-fs-state-v1");
        long v1Size = 4096 + 32 * 65536;
        Unistd.ftruncate(old, v1Size);
        try (Mman.Mapping m = Mman.mmapShared(old, 4096, true)) {
            m.segment().set(JAVA_LONG, 0, 0x3174617473737066L);   // The magic both layouts share.
        }
        Fd refused = old.duplicate();
        assertThatThrownBy(() -> StateFile.open(refused)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layout version 1").hasMessageContaining("reads version 2")
                .hasMessageContaining("fdstore fs umount");
        assertThat(refused.isOpen()).as("the refused fd is closed").isFalse();
        try (StateFile header = StateFile.openHeader(old)) {
            header.lifecycle(StateFile.UNMOUNTED);   // What fs umount needs of a mount of another version.
            assertThat(header.lifecycle()).isEqualTo(StateFile.UNMOUNTED);
        }
    }

    private static int openFds() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }
}

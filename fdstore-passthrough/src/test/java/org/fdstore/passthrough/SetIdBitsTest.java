package org.fdstore.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.fdstore.fuse.FuseContext;
import org.fdstore.linux.FileStat;
import org.junit.jupiter.api.Test;

/**
 * The bits a write by a caller without CAP_FSETID clears, by the rule of fs/attr.c; the mount's behaviour against
 * ext4 is compared by FsSemanticsTest (posix_cases.py). The writer is this test's own process, for its groups.
 */
class SetIdBitsTest {
    private static final int FILE_GID = 4242;
    private final List<Integer> chmods = new ArrayList<>();

    private boolean clear(int mode, int writerGid) throws Exception {
        FileStat st = new FileStat(0, 0, 1, 0100000 | mode, 0, FILE_GID, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        FuseContext writer = new FuseContext(1, 2, 1001, writerGid, (int) ProcessHandle.current().pid(), List.of());
        return SetIdBits.clear(st, writer, chmods::add);
    }

    @Test
    void clear_setuidAndGroupExecutableSetgid_clearsBoth() throws Exception {
        assertThat(clear(06777, FILE_GID)).isTrue();
        assertThat(chmods).containsExactly(0777);
    }

    @Test
    void clear_setgidWithoutGroupExecute_clearsOnlyForAWriterOutsideTheGroup() throws Exception {
        assertThat(clear(02747, FILE_GID)).as("a member of the file's group").isFalse();
        assertThat(clear(02747, 4343)).as("not a member").isTrue();
        assertThat(chmods).containsExactly(0747);
    }

    @Test
    void clear_noSetIdBit_changesNothing() throws Exception {
        assertThat(clear(01777, 4343)).isFalse();
        assertThat(chmods).isEmpty();
        assertThat(SetIdBits.any(01777)).isFalse();
        assertThat(SetIdBits.any(02644)).isTrue();
    }
}

package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcTest extends LeakChecked {
    @Test
    void supplementaryGroups_ofThisProcess_matchesGetgroups() throws Exception {
        assertThat(Proc.supplementaryGroups((int) ProcessHandle.current().pid()))
                .isEqualTo(Fsuid.getThreadGroups());
    }

    @Test
    void supplementaryGroups_ofNoProcess_failsWithEsrch() {
        LinuxException e = failsWith(Errno.ESRCH, () -> Proc.supplementaryGroups(Integer.MAX_VALUE));
        assertThat(e).hasMessageContaining("/proc/" + Integer.MAX_VALUE + "/status");
    }

    @Test
    void groupsOf_statusLines_parsesListEmptyAndMissing() throws Exception {
        assertThat(Proc.groupsOf(List.of("Name:\tx", "Groups:\t0 4 65534 4294967294 ", "Other:\t1")))
                .containsExactly(0, 4, 65534, -2);
        assertThat(Proc.groupsOf(List.of("Groups:\t"))).isEmpty();
        assertThatThrownBy(() -> Proc.groupsOf(List.of("Name:\tx"))).isInstanceOf(IOException.class);
    }

    @Test
    void realUid_ofThisProcess_matchesGetuid() throws Exception {
        assertThat(Proc.realUid()).isEqualTo(Unistd.getuid());
    }

    @Test
    void uidOf_status_parsesTheRealUidAndFailsWithoutUidLine() throws Exception {
        assertThat(Proc.uidOf("Name:\tx\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t5\t5\t5\t5\n")).isEqualTo(1000);
        assertThat(Proc.uidOf("Uid:\t4294967294\t0\t0\t0\n")).isEqualTo(-2);
        assertThatThrownBy(() -> Proc.uidOf("Name:\tUid:\t1\n")).isInstanceOf(IOException.class);
    }

    @Test
    void withFdPath_givesProcSelfFdPathAndClosedFdFailsWithEbadf() throws Exception {
        Fd fd = Fcntl.open("/dev/null", Fcntl.O_PATH, 0);
        try (fd) {
            byte[] path = Proc.withFdPath(fd, p -> p);
            assertThat(new String(path)).isEqualTo("/proc/self/fd/" + fd.number());
            assertThat(Unistd.readlink(new String(path))).isEqualTo("/dev/null");
        }
        failsWith(Errno.EBADF, () -> Proc.withFdPath(fd, p -> p));
    }
}

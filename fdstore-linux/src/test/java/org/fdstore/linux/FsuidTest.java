package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsuidTest extends LeakChecked {
    private static final int NOBODY = 65534;

    @TempDir Path dir;

    @Test
    void setfsuidSetfsgidAndThreadGroups_changeOnlyTheCallingThreadsFileAccess() throws Exception {
        requireRoot();
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path secret = Files.writeString(shared.resolve("secret"), "root only");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        int[] processGroups = Proc.supplementaryGroups((int) ProcessHandle.current().pid());
        CountDownLatch switched = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Fd sharedDir = Fcntl.open(shared.toString(), Fcntl.O_PATH | Fcntl.O_DIRECTORY, 0)) {
            Thread worker = Thread.ofPlatform().name("fsuid-worker").start(() -> {
                try {
                    actAsNobody(sharedDir, switched, checked);
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    switched.countDown();
                }
            });
            try {
                assertThat(switched.await(30, TimeUnit.SECONDS)).as("worker switched to nobody").isTrue();
                // Meanwhile this thread keeps root's identity.
                try (Fd own = Fcntl.openat(sharedDir, "made-by-other-thread", Fcntl.O_CREAT | Fcntl.O_WRONLY, 0644);
                     Fd read = Fcntl.openat(sharedDir, "secret", Fcntl.O_RDONLY, 0)) {
                    assertThat(Stat.fstat(own).uid()).isZero();
                    assertThat(Stat.fstat(own).gid()).isZero();
                }
                assertThat(Fsuid.getThreadGroups()).isEqualTo(processGroups);
                assertThat(Proc.supplementaryGroups((int) ProcessHandle.current().pid())).isEqualTo(processGroups);
            } finally {
                checked.countDown();
                worker.join(30_000);
            }
            assertThat(worker.isAlive()).as("worker finished").isFalse();
            if (failure.get() != null) throw new AssertionError("worker failed", failure.get());
        }
    }

    private static void actAsNobody(Fd sharedDir, CountDownLatch switched, CountDownLatch checked) throws Exception {
        int[] groups = Fsuid.getThreadGroups();
        assertThat(groups).isEqualTo(Proc.threadSupplementaryGroups());
        int previousUid = Fsuid.setfsuidChecked(NOBODY);
        try {
            int previousGid = Fsuid.setfsgidChecked(NOBODY);
            try {
                Fsuid.setThreadGroups(new int[] {NOBODY});
                try {
                    assertThat(Fsuid.getThreadGroups()).containsExactly(NOBODY);
                    assertThat(Proc.threadSupplementaryGroups()).containsExactly(NOBODY);
                    try (Fd made = Fcntl.openat(sharedDir, "made-by-nobody", Fcntl.O_CREAT | Fcntl.O_WRONLY, 0644)) {
                        assertThat(Stat.fstat(made).uid()).isEqualTo(NOBODY);
                        assertThat(Stat.fstat(made).gid()).isEqualTo(NOBODY);
                    }
                    // The fsuid change dropped CAP_DAC_OVERRIDE: root's 0600 file is closed to us.
                    failsWith(Errno.EACCES, () -> Fcntl.openat(sharedDir, "secret", Fcntl.O_RDONLY, 0));
                    switched.countDown();
                    assertThat(checked.await(30, TimeUnit.SECONDS)).as("other thread checked").isTrue();
                } finally {
                    Fsuid.setThreadGroups(groups);
                }
            } finally {
                Fsuid.setfsgidChecked(previousGid);
            }
        } finally {
            Fsuid.setfsuidChecked(previousUid);
        }
        assertThat(previousUid).isZero();
        assertThat(Fsuid.getThreadGroups()).isEqualTo(groups);
        try (Fd again = Fcntl.openat(sharedDir, "secret", Fcntl.O_RDONLY, 0)) {
            assertThat(Stat.fstat(again).uid()).isZero();
        }
    }

    @Test
    void setThreadGroups_moreThanNgroupsMax_failsWithEinvalAndChangesNothing() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                int[] before = Fsuid.getThreadGroups();
                failsWith(Errno.EINVAL, () -> Fsuid.setThreadGroups(new int[65537]));
                assertThat(Fsuid.getThreadGroups()).isEqualTo(before);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join(30_000);
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    @Test
    void setfsuid_onVirtualThread_isRefused() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                Fsuid.setfsuid(NOBODY);
            } catch (Throwable e) {
                thrown.set(e);
            }
        }).join(30_000);
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("virtual thread");
        assertThatThrownBy(() -> {
            Throwable[] inner = new Throwable[1];
            Thread.ofVirtual().start(() -> {
                try {
                    Fsuid.setThreadGroups(new int[0]);
                } catch (Throwable e) {
                    inner[0] = e;
                }
            }).join(30_000);
            throw inner[0];
        }).isInstanceOf(IllegalStateException.class);
    }
}

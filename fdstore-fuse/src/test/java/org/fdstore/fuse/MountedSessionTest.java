package org.fdstore.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fdstore.fuse.FuseTestSupport.DEADLINE;
import static org.fdstore.fuse.FuseTestSupport.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Mount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real mount through the kernel, used by separate processes (ls, stat, cat). */
class MountedSessionTest {
    @TempDir Path dir;
    Path mnt;
    FuseSession session;
    int fdsBefore;

    @BeforeEach
    void mount() throws Exception {
        FuseTestSupport.assumeRootWithFuse();
        mnt = Files.createDirectory(dir.resolve("mnt"));
        fdsBefore = FuseTestSupport.openFds();
    }

    @AfterEach
    void unmount() throws Exception {
        if (session != null) session.unmount();
        if (mnt != null) {
            try {
                Mount.umount2(mnt.toString(), Mount.MNT_DETACH);
            } catch (LinuxException e) {
                // EINVAL: not mounted any more, as it should be
            }
        }
        if (session != null) assertThat(FuseTestSupport.openFds()).as("open fds after unmount").isEqualTo(fdsBefore);
    }

    private HelloFs mountHello(int readers) throws Exception {
        HelloFs fs = new HelloFs();
        session = FuseSession.mount(mnt, "hellofs", "hello", MountOptions.defaults(), fs);
        session.start(readers);
        session.awaitInit(DEADLINE);
        return fs;
    }

    @Test
    void mount_helloFs_lsStatCatFromChildProcesses() throws Exception {
        HelloFs fs = mountHello(2);

        var ls = run(List.of("ls", "-a", mnt.toString()));
        assertThat(ls.exit()).as(ls.err()).isZero();
        assertThat(ls.out().lines()).containsExactly(".", "..", "dir", "hello");

        var stat = run(List.of("stat", "-c", "%s %F %a %h", mnt.resolve("hello").toString()));
        assertThat(stat.exit()).as(stat.err()).isZero();
        assertThat(stat.out().strip()).isEqualTo(HelloFs.CONTENT.length + " regular file 444 1");

        var statDir = run(List.of("stat", "-c", "%F %a", mnt.resolve("dir").toString()));
        assertThat(statDir.out().strip()).isEqualTo("directory 755");

        var cat = run(List.of("cat", mnt.resolve("hello").toString()));
        assertThat(cat.exit()).as(cat.err()).isZero();
        assertThat(cat.out()).isEqualTo("Hello, FUSE!\n");

        var missing = run(List.of("cat", mnt.resolve("nope").toString()));
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("No such file or directory");

        // The kernel tried STATX first; our ENOSYS made it fall back to GETATTR.
        assertThat(fs.seen).anyMatch(r -> r instanceof FuseRequest.Getattr);
        assertThat(fs.seen).anyMatch(r -> r instanceof FuseRequest.Read);
        assertThat(fs.seen).noneMatch(r -> r instanceof FuseRequest.Init || r instanceof FuseRequest.Unknown);
    }

    @Test
    void init_agreesTheMeasuredKernelOffer() throws Exception {
        HelloFs fs = mountHello(1);
        InitResult agreed = session.awaitInit(DEADLINE);
        assertThat(fs.agreed).isEqualTo(agreed);
        assertThat(fs.device).isSameAs(session.device());
        assertThat(agreed.minor()).isEqualTo(Math.min(45, agreed.kernelMinor()));
        assertThat(agreed.has(InitFlags.PARALLEL_DIROPS | InitFlags.DO_READDIRPLUS | InitFlags.MAX_PAGES)).isTrue();
        assertThat(agreed.maxWrite()).isGreaterThanOrEqualTo(128 << 10);
        assertThat(agreed.has(InitFlags.WRITEBACK_CACHE)).isFalse();
        assertThat(agreed.has(InitFlags.POSIX_ACL)).isFalse();
        if (agreed.kernelMinor() >= 40) {
            assertThat(agreed.has(InitFlags.PASSTHROUGH | InitFlags.HAS_RESEND)).isTrue();
            assertThat(agreed.maxStackDepth()).isEqualTo(1);
        }
        assertThat(InitResult.fromBytes(agreed.toBytes())).isEqualTo(agreed);
    }

    @Test
    void unknownOpcode_tmpfile_getsEnosysAndTheKernelSaysEopnotsupp() throws Exception {
        HelloFs fs = mountHello(1);
        int oTmpfile = 0x400000 | Fcntl.O_DIRECTORY;
        assertThatThrownBy(() -> Fcntl.open(mnt.resolve("dir").toString(), oTmpfile | Fcntl.O_RDWR, 0600).close())
                .isInstanceOfSatisfying(LinuxException.class,
                        e -> assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP));
        assertThat(fs.seen).noneMatch(r -> r instanceof FuseRequest.Unknown);
    }

    @Test
    void unmount_fromOutside_stopsTheReaders() throws Exception {
        mountHello(2);
        Mount.umount2(mnt.toString(), Mount.MNT_DETACH);
        assertThat(session.awaitStopped(DEADLINE)).as("readers stopped after ENODEV").isTrue();
    }

    @Test
    void stopReading_thenAnotherSessionOnAClonedDevice_serves() throws Exception {
        HelloFs fs = mountHello(1);
        InitResult agreed = session.awaitInit(DEADLINE);
        assertThat(run(List.of("cat", mnt.resolve("hello").toString())).out()).isEqualTo("Hello, FUSE!\n");
        session.stopReading();
        try (Fd clone = Fcntl.open("/dev/fuse", Fcntl.O_RDWR, 0)) {
            org.fdstore.linux.Ioctl.clone(clone, session.device());
            assertThatThrownBy(() -> org.fdstore.linux.Ioctl.clone(clone, session.device()))
                    .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
            HelloFs second = new HelloFs();
            try (FuseSession b = FuseSession.takeover(clone, agreed, second)) {
                b.start(1);
                var cat = run(List.of("cat", mnt.resolve("hello").toString()));
                assertThat(cat.out()).isEqualTo("Hello, FUSE!\n");
                assertThat(second.seen).anyMatch(r -> r instanceof FuseRequest.Read);
            }
        }
        assertThat(fs.seen).isNotEmpty();
    }
}

package org.fdstore.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fdstore.fuse.FuseTestSupport.DEADLINE;
import static org.fdstore.fuse.FuseTestSupport.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Ioctl;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Mount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OPEN answered with FOPEN_PASSTHROUGH and a backing id: reads reach the backing file, not the server. */
class PassthroughTest {
    @TempDir Path dir;
    Path mnt;
    FuseSession session;
    int fdsBefore;

    /** HelloFs whose "hello" is backed by a real file through kernel passthrough. */
    static final class BackedFs extends HelloFs {
        final Path backing;
        final Set<Integer> ids = ConcurrentHashMap.newKeySet();

        BackedFs(Path backing) {
            this.backing = backing;
        }

        @Override
        FuseReply open(FuseRequest.Open o) throws LinuxException {
            try (Fd file = Fcntl.open(backing.toString(), Fcntl.O_RDONLY, 0)) {
                int id = Ioctl.backingOpen(device, file);
                ids.add(id);
                return FuseReply.openPassthrough(id, 0, id);    // the backing id doubles as the handle
            }
        }

        @Override
        public FuseReply handle(FuseRequest request) throws LinuxException {
            if (request instanceof FuseRequest.Release r && ids.remove((int) r.fh())) {
                seen.add(request);
                Ioctl.backingClose(device, (int) r.fh());
                return FuseReply.ok();
            }
            return super.handle(request);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        FuseTestSupport.assumeRootWithFuse();
        mnt = Files.createDirectory(dir.resolve("mnt"));
        fdsBefore = FuseTestSupport.openFds();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (session != null) session.unmount();
        if (mnt != null) {
            try {
                Mount.umount2(mnt.toString(), Mount.MNT_DETACH);
            } catch (LinuxException e) {
                // EINVAL: already unmounted
            }
        }
        if (session != null) assertThat(FuseTestSupport.openFds()).isEqualTo(fdsBefore);
    }

    @Test
    void open_withBackingId_readsGoToTheBackingFile() throws Exception {
        // Same length as HelloFs.CONTENT, so the size the kernel caches fits the backing file.
        Path backing = Files.writeString(dir.resolve("backing"), "Backed FUSE!\n");
        BackedFs fs = new BackedFs(backing);
        session = FuseSession.mount(mnt, "backedfs", "backed", MountOptions.defaults(), fs);
        session.start(1);
        InitResult agreed = session.awaitInit(DEADLINE);
        org.junit.jupiter.api.Assumptions.assumeTrue(agreed.has(InitFlags.PASSTHROUGH), "kernel offers no passthrough");

        var cat = run(List.of("cat", mnt.resolve("hello").toString()));
        assertThat(cat.exit()).as(cat.err()).isZero();
        assertThat(cat.out()).isEqualTo(Files.readString(backing));
        assertThat(fs.seen).noneMatch(r -> r instanceof FuseRequest.Read);
        FuseTestSupport.await("RELEASE closed the backing id", () -> fs.ids.isEmpty());
    }
}

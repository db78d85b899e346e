package org.fdstore.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fdstore.fuse.FuseTestSupport.DEADLINE;
import static org.fdstore.fuse.FuseTestSupport.run;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fdstore.fuse.wire.InHeader;
import org.fdstore.fuse.wire.Opcode;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Mount;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Unistd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handing a live mount from one session to another: takeover, clean handoff, and resend of lost requests. */
class TakeoverTest {
    @TempDir Path dir;
    Path mnt;
    FuseSession first;
    HelloFs firstFs;
    InitResult agreed;
    int fdsBefore;

    @BeforeEach
    void mount() throws Exception {
        FuseTestSupport.assumeRootWithFuse();
        mnt = Files.createDirectory(dir.resolve("mnt"));
        fdsBefore = FuseTestSupport.openFds();
        firstFs = new HelloFs();
        first = FuseSession.mount(mnt, "hellofs", "hello", MountOptions.defaults(), firstFs);
        first.start(2);
        agreed = first.awaitInit(DEADLINE);
    }

    @AfterEach
    void unmount() throws Exception {
        if (first == null) return;
        firstFs.release.countDown();
        first.unmount();
        try {
            Mount.umount2(mnt.toString(), Mount.MNT_DETACH);
        } catch (LinuxException e) {
            // EINVAL: already unmounted, as it should be
        }
        assertThat(FuseTestSupport.openFds()).as("open fds after unmount").isEqualTo(fdsBefore);
    }

    @Test
    void takeover_duplicateDevice_secondSessionServesAfterFirstStops() throws Exception {
        assertThat(cat("hello")).isEqualTo("Hello, FUSE!\n");
        HelloFs secondFs = new HelloFs();
        try (Fd copy = first.device().duplicate();
             FuseSession second = FuseSession.takeover(copy, InitResult.fromBytes(agreed.toBytes()), secondFs)) {
            first.stopReading();
            second.start(2);
            assertThat(secondFs.agreed).isEqualTo(agreed);
            assertThat(cat("hello")).isEqualTo("Hello, FUSE!\n");
            var ls = run(List.of("ls", mnt.toString()));
            assertThat(ls.out().lines()).containsExactly("dir", "hello");
            assertThat(secondFs.seen).anyMatch(r -> r instanceof FuseRequest.Read);
        }
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(" " + mnt + " ");
    }

    @Test
    void stopReading_withARequestInTheHandler_answersItBeforeReturning() throws Exception {
        firstFs.blockName = "slow".getBytes(StandardCharsets.ISO_8859_1);
        List<String> command = List.of("stat", mnt.resolve("slow").toString());
        Process child = FuseTestSupport.start(command);
        FuseTestSupport.await("LOOKUP of slow in the handler", () -> firstFs.blocked.getCount() == 0);

        Thread stopper = Thread.ofPlatform().start(first::stopReading);
        assertThat(stopper.isAlive()).as("stopReading waits for the held request").isTrue();
        firstFs.release.countDown();
        stopper.join(DEADLINE);
        assertThat(stopper.isAlive()).as("stopReading returned").isFalse();

        var result = FuseTestSupport.finish(child, command);
        assertThat(result.exit()).isNotZero();
        assertThat(result.err()).contains("No such file or directory");

        HelloFs secondFs = new HelloFs();
        try (Fd copy = first.device().duplicate(); FuseSession second = FuseSession.takeover(copy, agreed, secondFs)) {
            second.start(1);
            assertThat(cat("hello")).isEqualTo("Hello, FUSE!\n");
        }
    }

    @Test
    void resend_requestReadButNeverAnswered_isAnsweredByTheSuccessor() throws Exception {
        assertThat(cat("hello")).isEqualTo("Hello, FUSE!\n");
        first.stopReading();
        List<String> command = List.of("cat", mnt.resolve("hello").toString());
        Process child = FuseTestSupport.start(command);

        // Play a server that dies mid-request: read one request and never answer it.
        InHeader lost = readOneRequest(first.device());
        assertThat(lost.unique() & FuseContext.UNIQUE_RESEND).isZero();

        HelloFs secondFs = new HelloFs();
        try (Fd copy = first.device().duplicate(); FuseSession second = FuseSession.takeover(copy, agreed, secondFs)) {
            second.start(1);
            second.resend();
            var result = FuseTestSupport.finish(child, command);
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.out()).isEqualTo("Hello, FUSE!\n");
            assertThat(secondFs.seen).anySatisfy(r -> {
                assertThat(r.context().resent()).isTrue();
                assertThat(r.context().unique()).isEqualTo(lost.unique() | FuseContext.UNIQUE_RESEND);
            });
        }
    }

    @Test
    void takeover_byAChildJvm_overScmRights_servesTheMount() throws Exception {
        String path = dir.resolve("handoff.sock").toString();
        Process child = null;
        try (Fd listener = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0); Epoll epoll = Epoll.create(1);
             Arena arena = Arena.ofConfined()) {
            Socket.bind(listener, path);
            Socket.listen(listener, 1);
            epoll.add(listener, Epoll.EPOLLIN, 0);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), ChildServer.class.getName(), path)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            assertThat(epoll.await((int) DEADLINE.toMillis())).as("child connected within " + DEADLINE).isEqualTo(1);
            try (Fd connection = Socket.accept4(listener, 0)) {
                first.stopReading();
                byte[] init = agreed.toBytes();
                MemorySegment data = arena.allocate(init.length);
                data.copyFrom(MemorySegment.ofArray(init));
                Socket.sendmsg(connection, data, init.length, List.of(first.device()), 0);
            }
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine();
            assertThat(line).startsWith("serving pid=" + child.pid());
            assertThat(cat("hello")).isEqualTo("Hello, FUSE!\n");
            assertThat(run(List.of("ls", mnt.toString())).out().lines()).containsExactly("dir", "hello");
            assertThat(firstFs.seen).noneMatch(r -> r instanceof FuseRequest.Readdir || r instanceof FuseRequest.Readdirplus);
        } finally {
            if (child != null) {
                child.getOutputStream().close();
                if (!child.waitFor(DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    child.destroyForcibly().waitFor();
                }
            }
        }
    }

    private InHeader readOneRequest(Fd device) throws Exception {
        try (Epoll epoll = Epoll.create(1); Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(agreed.readBufferSize(), 8);
            epoll.add(device, Epoll.EPOLLIN, 0);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                epoll.await((int) DEADLINE.toMillis());
                long n = Unistd.read(device, buffer, buffer.byteSize());
                if (n <= 0) continue;
                InHeader h = InHeader.read(buffer);
                if (Opcode.isOneWay(h.opcode())) continue;  // a FORGET needs no answer: not the request we want
                return h;
            }
            throw new AssertionError("no request arrived within " + DEADLINE);
        }
    }

    private String cat(String name) throws Exception {
        var result = run(List.of("cat", mnt.resolve(name).toString()));
        assertThat(result.exit()).as(result.err()).isZero();
        return result.out();
    }
}

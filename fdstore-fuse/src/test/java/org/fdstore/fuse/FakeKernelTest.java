package org.fdstore.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fdstore.fuse.FuseTestSupport.DEADLINE;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.fdstore.fuse.internal.InitNegotiation;
import org.fdstore.fuse.wire.Opcode;
import org.fdstore.fuse.wire.RequestBytes;
import org.fdstore.linux.Errno;
import org.fdstore.linux.LinuxException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A session's dispatch, driven byte by byte through a socket pair that stands in for /dev/fuse. */
class FakeKernelTest {
    /** The INIT offer measured on this machine's 6.18 kernel: flags 0x73fffffb, flags2 0x000005fd. */
    static final long MEASURED_OFFER = 0x73fffffbL | (0x5fdL << 32);

    FakeKernel kernel;
    FuseSession session;
    int fdsBefore;

    @BeforeEach
    void setUp() throws Exception {
        fdsBefore = FuseTestSupport.openFds();
        kernel = new FakeKernel();
    }

    @AfterEach
    void tearDown() {
        if (session != null) session.close();
        kernel.close();
        assertThat(FuseTestSupport.openFds()).as("open fds").isEqualTo(fdsBefore);
    }

    static InitResult measuredAgreement() {
        var init = new FuseRequest.Init(new FuseContext(1, 0, 0, 0, 0, List.of()), 7, 45, 131072, MEASURED_OFFER);
        return ((InitNegotiation.Outcome.Agreed) InitNegotiation.negotiate(init, 0, 0)).result();
    }

    private void serve(FuseFilesystem fs) throws LinuxException {
        session = FuseSession.takeover(kernel.server, measuredAgreement(), fs);
        session.start(2);
    }

    private static byte[] getattr(long unique) {
        return RequestBytes.of(Opcode.GETATTR).unique(unique).nodeId(1).u32(0).u32(0).u64(0).build();
    }

    /** Asserts an error reply: 16 bytes, -errno, the unique. */
    private static void assertError(ByteBuffer reply, long unique, Errno errno) {
        assertThat(reply.remaining()).isEqualTo(16);
        assertThat(reply.getInt(0)).isEqualTo(16);
        assertThat(reply.getInt(4)).isEqualTo(-errno.number());
        assertThat(reply.getLong(8)).isEqualTo(unique);
    }

    @Test
    void init_measuredOffer_repliesInitOutAndAwaitInitReturnsIt() throws Exception {
        HelloFs fs = new HelloFs();
        session = FuseSession.serve(kernel.server, fs);
        session.start(1);
        kernel.send(RequestBytes.of(Opcode.INIT).unique(2).nodeId(0)
                .u32(7).u32(45).u32(131072).u32((int) MEASURED_OFFER).u32((int) (MEASURED_OFFER >>> 32))
                .raw(new byte[44]).build());
        ByteBuffer r = kernel.receive();
        assertThat(r.remaining()).isEqualTo(80);
        assertThat(r.getInt(0)).isEqualTo(80);              // len
        assertThat(r.getInt(4)).isZero();                    // error
        assertThat(r.getLong(8)).isEqualTo(2);               // unique
        assertThat(r.getInt(16)).isEqualTo(7);               // major
        assertThat(r.getInt(20)).isEqualTo(45);              // minor
        assertThat(r.getInt(24)).isEqualTo(131072);          // max_readahead
        long flags = Integer.toUnsignedLong(r.getInt(28)) | Integer.toUnsignedLong(r.getInt(48)) << 32;
        assertThat(flags).isEqualTo(InitFlags.DEFAULT_WANTED & MEASURED_OFFER); // flags | flags2 << 32
        assertThat(r.getShort(32)).isEqualTo((short) 64);    // max_background
        assertThat(r.getShort(34)).isEqualTo((short) 48);    // congestion_threshold
        assertThat(r.getInt(36)).isEqualTo(1 << 20);         // max_write
        assertThat(r.getInt(40)).isEqualTo(1);               // time_gran
        assertThat(r.getShort(44)).isEqualTo((short) 256);   // max_pages
        assertThat(r.getInt(52)).isEqualTo(1);               // max_stack_depth
        InitResult agreed = session.awaitInit(DEADLINE);
        assertThat(agreed).isEqualTo(measuredAgreement());
        assertThat(fs.agreed).isEqualTo(agreed);

        kernel.send(getattr(3));
        assertThat(kernel.receive().getInt(0)).isEqualTo(16 + 104);
    }

    @Test
    void init_newerMajor_answersVersionOnlyThenAgreesOnTheSecondInit() throws Exception {
        session = FuseSession.serve(kernel.server, new HelloFs());
        session.start(1);
        kernel.send(RequestBytes.of(Opcode.INIT).unique(2).u32(8).u32(1).build());
        ByteBuffer r = kernel.receive();
        assertThat(r.getInt(0)).isEqualTo(80);
        assertThat(r.getInt(16)).isEqualTo(7);
        assertThat(r.getInt(20)).isEqualTo(45);
        assertThat(r.getInt(28)).as("no flags in a version-only reply").isZero();
        assertThat(session.agreed()).isEmpty();
        kernel.send(RequestBytes.of(Opcode.INIT).unique(4).u32(7).u32(40).u32(65536).u32(0).build());
        assertThat(kernel.receive().getInt(20)).isEqualTo(40);
        assertThat(session.awaitInit(DEADLINE).minor()).isEqualTo(40);
    }

    @Test
    void init_tooOldKernel_isRefusedWithEproto() throws Exception {
        session = FuseSession.serve(kernel.server, new HelloFs());
        session.start(1);
        kernel.send(RequestBytes.of(Opcode.INIT).unique(2).u32(7).u32(22).u32(0).u32(0).build());
        assertError(kernel.receive(), 2, Errno.EPROTO);
        try {
            session.awaitInit(DEADLINE);
            throw new AssertionError("awaitInit should fail");
        } catch (LinuxException e) {
            assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        }
    }

    @Test
    void requestBeforeInit_getsEio() throws Exception {
        session = FuseSession.serve(kernel.server, new HelloFs());
        session.start(1);
        kernel.send(getattr(5));
        assertError(kernel.receive(), 5, Errno.EIO);
    }

    @Test
    void malformedRequest_getsEioAndTheReaderKeepsServing() throws Exception {
        serve(new HelloFs());
        kernel.send(RequestBytes.of(Opcode.LOOKUP).unique(9).raw("hello".getBytes()).build()); // no NUL
        assertError(kernel.receive(), 9, Errno.EIO);
        kernel.send(RequestBytes.of(Opcode.READ).unique(10).u64(1).build());   // fuse_read_in cut short
        assertError(kernel.receive(), 10, Errno.EIO);
        kernel.send(new byte[] {1, 2, 3});                                      // not even a header
        kernel.send(RequestBytes.of(Opcode.LOOKUP).unique(11).cstring("hello").build());
        ByteBuffer r = kernel.receive();
        assertThat(r.getLong(8)).as("the reply after the garbage is for LOOKUP").isEqualTo(11);
        assertThat(r.getInt(0)).isEqualTo(16 + 128);
        assertThat(r.getLong(16)).isEqualTo(HelloFs.HELLO_ID);  // fuse_entry_out.nodeid
    }

    @Test
    void unknownOpcodes_getEnosysWithoutReachingTheFilesystem() throws Exception {
        HelloFs fs = new HelloFs();
        serve(fs);
        kernel.send(RequestBytes.of(Opcode.IOCTL).unique(12).raw(new byte[32]).build());
        assertError(kernel.receive(), 12, Errno.ENOSYS);
        kernel.send(RequestBytes.of(9999).unique(13).build());
        assertError(kernel.receive(), 13, Errno.ENOSYS);
        assertThat(fs.seen).isEmpty();
    }

    @Test
    void handlerFailures_becomeOneErrorReplyEach() throws Exception {
        AtomicReference<Object> next = new AtomicReference<>();
        serve(request -> {
            Object o = next.get();
            if (o instanceof LinuxException e) throw e;
            if (o instanceof RuntimeException e) throw e;
            return (FuseReply) o;
        });
        next.set(new LinuxException("openat(\"x\")", Errno.EACCES));
        kernel.send(getattr(20));
        assertError(kernel.receive(), 20, Errno.EACCES);
        next.set(new IllegalStateException("a bug"));
        kernel.send(getattr(21));
        assertError(kernel.receive(), 21, Errno.EIO);
        next.set(null);
        kernel.send(getattr(22));
        assertError(kernel.receive(), 22, Errno.EIO);
        next.set(FuseReply.open(1, 0));     // an OPEN reply to GETATTR: would make the kernel fail the write
        kernel.send(getattr(23));
        assertError(kernel.receive(), 23, Errno.EIO);
        next.set(FuseReply.error(Errno.UNKNOWN));
        kernel.send(getattr(24));
        assertError(kernel.receive(), 24, Errno.EIO);
        assertThat(kernel.poll(0)).as("exactly one reply per request").isNull();
    }

    @Test
    void forgetBatchForgetAndInterrupt_getNoReply() throws Exception {
        HelloFs fs = new HelloFs();
        serve(fs);
        kernel.send(RequestBytes.of(Opcode.FORGET).unique(30).nodeId(2).u64(1).build());
        kernel.send(RequestBytes.of(Opcode.BATCH_FORGET).unique(31).u32(1).u32(0).u64(2).u64(3).build());
        kernel.send(RequestBytes.of(Opcode.INTERRUPT).unique(32).u64(29).build());
        kernel.send(getattr(33));
        assertThat(kernel.receive().getLong(8)).isEqualTo(33);
        FuseTestSupport.await("the filesystem saw all four requests", () -> fs.seen.size() == 4);
        assertThat(kernel.poll(0)).isNull();
    }

    @Test
    void resendAndInvalidations_writeTheNotificationBytes() throws Exception {
        serve(new HelloFs());
        session.resend();
        ByteBuffer r = kernel.receive();
        assertThat(r.remaining()).isEqualTo(16);
        assertThat(r.getInt(0)).isEqualTo(16);   // len
        assertThat(r.getInt(4)).isEqualTo(7);    // error: FUSE_NOTIFY_RESEND
        assertThat(r.getLong(8)).isZero();       // unique: 0 for notifications
        session.notifyInvalEntry(1, "hello".getBytes());
        r = kernel.receive();
        assertThat(r.remaining()).isEqualTo(16 + 16 + 6);
        assertThat(r.getInt(4)).isEqualTo(3);    // FUSE_NOTIFY_INVAL_ENTRY
        assertThat(r.getLong(16)).isEqualTo(1);  // parent
        assertThat(r.getInt(24)).isEqualTo(5);   // namelen
        assertThat(r.get(37)).isZero();          // the NUL after the name
        session.notifyInvalInode(2, 0, -1);
        r = kernel.receive();
        assertThat(r.remaining()).isEqualTo(40);
        assertThat(r.getInt(4)).isEqualTo(2);    // FUSE_NOTIFY_INVAL_INODE
        assertThat(r.getLong(32)).isEqualTo(-1); // len
    }

    @Test
    void destroy_isAnsweredThenTheSessionStops() throws Exception {
        serve(new HelloFs());
        kernel.send(RequestBytes.of(Opcode.DESTROY).unique(40).build());
        ByteBuffer r = kernel.receive();
        assertThat(r.remaining()).isEqualTo(16);
        assertThat(r.getInt(4)).isZero();
        assertThat(session.awaitStopped(DEADLINE)).isTrue();
    }

    @Test
    void peerHangup_endsTheSession() throws Exception {
        serve(new HelloFs());
        kernel.kernel.close();
        assertThat(session.awaitStopped(DEADLINE)).isTrue();
    }
}

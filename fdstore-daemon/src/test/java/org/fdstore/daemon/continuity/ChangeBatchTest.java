package org.fdstore.daemon.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.Lifetime;
import org.fdstore.protocol.Limits;
import org.junit.jupiter.api.Test;

/** Batching over a real SOCK_SEQPACKET pair: frames of up to 253 fds, in order, and no fd left behind. */
class ChangeBatchTest {
    private static int ownFds() {
        return new java.io.File("/proc/self/fd").list().length;
    }

    private static EntryRecord record(long id) {
        return new EntryRecord(id, "ns", "e" + id, new byte[0], new PeerCredentials(1, 0, 0), 0, Lifetime.DEFAULT,
                0, 0, false);
    }

    @Test
    void flush_600Adds_sendsThreeFramesOf253253And94Fds() throws Exception {
        int before = ownFds();
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        Socket.setIntOption(pair[0], Socket.SO_SNDBUF, 4 << 20);
        try (Fd sender = pair[0]; Fd receiver = pair[1]; Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0);
             Arena arena = Arena.ofConfined()) {
            try (ChangeBatch batch = new ChangeBatch((frame, length, fds) -> {
                try {
                    Socket.sendmsg(sender, frame, length, fds, 0);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            })) {
                for (int id = 1; id <= 600; id++) batch.add(record(id), file, null, true);
                batch.remove(5);
                batch.flush();
                assertThat(batch.isEmpty()).isTrue();
                assertThat(batch.framesSent()).isEqualTo(3);
            }
            MemorySegment buffer = arena.allocate(Limits.MAX_FRAME);
            List<Integer> fdsPerFrame = new ArrayList<>();
            List<Long> order = new ArrayList<>();
            for (int f = 0; f < 3; f++) {
                Received r = Socket.recvmsg(receiver, buffer, Socket.MSG_DONTWAIT);
                fdsPerFrame.add(r.fds().size());
                ByteBuffer frame = buffer.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).limit((int) r.length());
                assertThat(Frames.read(frame, r.fds().size()).type()).isEqualTo(Frames.CHANGES);
                int count = frame.getInt();
                for (int i = 0; i < count; i++) {
                    int op = frame.get();
                    if (op == ChangeBatch.ADD) order.add(EntryRecord.decode(frame).id());
                    else order.add(-frame.getLong());
                }
                assertThat(frame.hasRemaining()).isFalse();
                r.closeFds();
            }
            assertThat(fdsPerFrame).containsExactly(253, 253, 94);
            assertThat(order).hasSize(601).startsWith(1L, 2L, 3L).endsWith(600L, -5L);
            assertThat(Socket.recvmsg(receiver, buffer, Socket.MSG_DONTWAIT)).isNull();
        }
        assertThat(ownFds()).as("duplicates closed after sending").isEqualTo(before);
    }

    @Test
    void add_thenStoreReleasesAndClosesItsFd_stillSendsADuplicate() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        try (Fd sender = pair[0]; Fd receiver = pair[1]; Arena arena = Arena.ofConfined();
             ChangeBatch batch = new ChangeBatch((frame, length, fds) -> {
                 try {
                     Socket.sendmsg(sender, frame, length, fds, 0);
                 } catch (Exception e) {
                     throw new AssertionError(e);
                 }
             })) {
            Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0);
            int before = ownFds();
            batch.add(record(1), file, null, true);
            assertThat(ownFds()).as("the store's fd travels as it is").isEqualTo(before);
            batch.release(file);
            batch.remove(1);
            file.close();
            batch.flush();
            assertThat(ownFds()).as("the duplicate closed once sent").isEqualTo(before - 1);
            Received r = Socket.recvmsg(receiver, arena.allocate(Limits.MAX_FRAME), Socket.MSG_DONTWAIT);
            assertThat(r.fds()).hasSize(1);
            assertThat(r.fds().getFirst().describe().target()).isEqualTo("/dev/null");
            r.closeFds();
        }
    }

    /**
     * What lets the server keep sending to a mirror that reads slowly: a connected SOCK_SEQPACKET pair queues as many
     * frames as the sender's SO_SNDBUF holds, not net.unix.max_dgram_qlen (10 here) as unconnected datagrams do.
     */
    @Test
    void sendmsg_connectedSeqpacket_queuesMoreFramesThanMaxDgramQlen() throws Exception {
        Fd[] pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        try (Fd sender = pair[0]; Fd receiver = pair[1]; Arena arena = Arena.ofConfined()) {
            Socket.setIntOption(sender, Socket.SO_SNDBUF, 1 << 20);
            MemorySegment frame = arena.allocate(64);
            int queued = 0;
            while (queued < 200 && Socket.sendmsg(sender, frame, 64, List.of(), Socket.MSG_DONTWAIT) == 64) queued++;
            assertThat(queued).isEqualTo(200);
        }
    }
}

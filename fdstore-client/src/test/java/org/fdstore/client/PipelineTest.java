package org.fdstore.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline longer than the sockets hold, against a fake daemon that, like the real one, answers each request in
 * turn, may hold replies back for a while, and reads nothing more while a reply waits for room in the socket.
 */
@ExtendWith(NoFdLeak.class)
class PipelineTest {
    /** Requests whose replies the fake holds back: more than its socket's send buffer holds (some hundreds). */
    private static final int HELD = 1000;
    /** Enough requests after those to fill this client's socket several times over. */
    private static final int REQUESTS = HELD + 4000;
    /** How long the submitted count must stand still before the fake takes the client to be stuck on a full socket. */
    private static final long STALL_MILLIS = 200;

    @TempDir
    Path dir;

    @Test
    void removeAsync_pipelineBeyondTheSocketBuffers_readsRepliesWhileSendingAndCompletesEveryRequest()
            throws Exception {
        AtomicInteger submitted = new AtomicInteger();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            peer.welcome(peer.receive());
            // Replies held back, as the daemon holds them until its standby has the changes.
            List<DecodedRequest> held = new ArrayList<>();
            for (int i = 0; i < HELD; i++) held.add(peer.receive());
            awaitStall(submitted);
            // This client's socket is full, and the fake reads nothing until its replies are out. A client waiting in
            // sendmsg would wake at each reply, find no room and wait again, and these sends would fill the fake's
            // socket and wait too: both for good.
            for (DecodedRequest r : held) peer.reply(r, removed(r), List.of());
            for (int i = HELD; i < REQUESTS; i++) {
                DecodedRequest r = peer.receive();
                peer.reply(r, removed(r), List.of());
            }
        }); FdStore store = FdStore.connect(fake.path())) {
            // Closing the store wakes a client stuck in sendmsg, and fails the test.
            ScheduledFuture<?> stuck = watchdog.schedule(store::close, 30, TimeUnit.SECONDS);
            List<CompletableFuture<Long>> removals = new ArrayList<>();
            for (long id = 1; id <= REQUESTS; id++) {
                removals.add(store.removeAsync(new Selector.ById(id)));
                submitted.incrementAndGet();
            }
            store.awaitSubmitted();
            stuck.cancel(false);

            for (int i = 0; i < REQUESTS; i++) assertThat(removals.get(i)).isCompletedWithValue(i + 1L);
        } finally {
            watchdog.shutdownNow();
        }
    }

    private static Reply.Removed removed(DecodedRequest request) {
        return new Reply.Removed(((Selector.ById) ((Request.Remove) request.request()).selector()).id());
    }

    /** Waits until {@code submitted} has stood still for {@link #STALL_MILLIS}: the client's sends wait for room. */
    private static void awaitStall(AtomicInteger submitted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int seen = -1;
        long since = System.nanoTime();
        while (true) {
            int now = submitted.get();
            if (now != seen) {
                seen = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the client kept sending for 20 s to a fake that read nothing: "
                        + now + " requests");
            }
            Thread.sleep(10);
        }
    }
}

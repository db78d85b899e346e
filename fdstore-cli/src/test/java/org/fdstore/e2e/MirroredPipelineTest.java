package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DecodedReply;
import org.fdstore.protocol.DropTarget;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines requests whose replies overflow its socket, on a mirrored daemon: replies made after a save
 * wait until the standby has it and are sent after the loop has read the requests, so that is where they find the
 * socket full. Once the client reads, every reply must come.
 */
class MirroredPipelineTest {
    @TempDir Path dir;

    @Test
    void savesAndBigRestores_pipelinedUntilTheSocketIsFull_everyReplyArrivesOnceTheClientReads() throws Exception {
        try (MirroredStore chain = MirroredStore.start(dir);
             RawClient raw = new RawClient(chain.socket());
             Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            raw.hello();
            raw.send(new Request.Save("big", new byte[Limits.MAX_METADATA]), List.of(file));
            assertThat(raw.receive().reply()).isInstanceOf(Reply.Saved.class);
            // Each save makes the replies after it wait for the standby; each restore's reply is 64 KiB, so a few of
            // them fill the socket. The sends stop once the daemon reads no more, with its socket full of requests.
            byte[] save = raw.frame(new Request.Save("", new byte[0]));
            byte[] restore = raw.frame(new Request.Restore(new Selector.ByName("big")));
            List<Class<? extends Reply>> expected = new ArrayList<>();
            while (raw.trySend(save, List.of(file))) {
                expected.add(Reply.Saved.class);
                if (!raw.trySend(restore)) break;
                expected.add(Reply.Restored.class);
            }
            long saves = expected.stream().filter(Reply.Saved.class::equals).count();
            assertThat(saves).as("saves sent before the socket filled").isGreaterThan(10);

            for (int i = 0; i < expected.size(); i++) {
                DecodedReply reply = raw.receive();
                assertThat(reply).as("reply %d of %d (null: the daemon dropped this client)", i + 1, expected.size())
                        .isNotNull();
                assertThat(reply.reply()).as("reply %d of %d", i + 1, expected.size()).isInstanceOf(expected.get(i));
            }
            try (FdStore store = FdStore.connect(chain.socket().toString())) {
                assertThat(store.drop(new DropTarget.Namespace(store.defaultNamespace()))).isEqualTo(1 + saves);
            }
        }
    }
}

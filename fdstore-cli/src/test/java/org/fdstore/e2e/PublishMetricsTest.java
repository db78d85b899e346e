package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.linux.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PUBLISH_METRICS on a real daemon: shown with the publisher's uid, a bad text refused changing nothing, gone with the connection. */
class PublishMetricsTest {
    private static final String LINE = "fdstore_fuse_requests_total{mount=\"/published\",op=\"LOOKUP\"} 5\n";

    @RegisterExtension final LeakCheckedDaemon fixture = new LeakCheckedDaemon(
            () -> Files.createTempDirectory("fdstore-publish"));

    @Test
    void publish_thenBadText_thenClose_showsKeepsAndDropsTheLines() throws Exception {
        try (FdStore reader = fixture.connect()) {
            try (FdStore publisher = fixture.connect()) {
                assertThat(publisher.publishMetrics(LINE)).isEqualTo(1);
                assertThat(reader.metrics()).contains("# TYPE fdstore_fuse_requests_total counter\n",
                        "fdstore_fuse_requests_total{mount=\"/published\",op=\"LOOKUP\",uid=\"0\"} 5\n");

                try {
                    publisher.publishMetrics("fdstore_entries{namespace=\"forged\"} 1\n");
                    throw new AssertionError("a line outside fdstore_fuse_ was accepted");
                } catch (FdStoreException e) {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    assertThat(e.getMessage()).contains("line 1", "nothing changed");
                }
                assertThat(reader.metrics()).contains("op=\"LOOKUP\",uid=\"0\"} 5\n").doesNotContain("forged");
            }
            Await.until("the published lines to go with their connection", java.time.Duration.ofSeconds(10),
                    () -> {
                        try {
                            return !reader.metrics().contains("/published");
                        } catch (FdStoreException e) {
                            throw new AssertionError(e);
                        }
                    });
        }
    }
}

package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** PUBLISH_METRICS: a request of text lines; a reply of how many lines the daemon shows. */
class PublishMetricsCodecTest {
    private static final String TEXT = "fdstore_fuse_requests_total{mount=\"/mnt\",op=\"LOOKUP\"} 7\n";

    @Test
    void request_roundTrips_asTypeOxOE() throws Exception {
        byte[] frame = Frames.encode(3, new Request.PublishMetrics(TEXT));

        assertThat(frame[5]).isEqualTo((byte) 0x0E);
        assertThat(Frames.decodeRequest(frame).request()).isEqualTo(new Request.PublishMetrics(TEXT));
    }

    @Test
    void request_textOverTheLimit_isRefusedBeforeEncoding() {
        String big = "x".repeat(Request.PublishMetrics.MAX_TEXT_BYTES + 1);

        assertThatThrownBy(() -> Frames.encode(3, new Request.PublishMetrics(big)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("published metrics");
    }

    @Test
    void reply_roundTripsItsCount_andFitsNoOtherType() throws Exception {
        byte[] frame = Frames.encode(MessageType.PUBLISH_METRICS.replyCode(), 3, false, new Reply.Published(3));

        assertThat(Frames.decodeReply(frame).reply()).isEqualTo(new Reply.Published(3));
        assertThatThrownBy(() -> Frames.encode(MessageType.METRICS.replyCode(), 3, false, new Reply.Published(3)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** METRICS: an empty request; a reply of text that may span frames. */
class MetricsCodecTest {
    private static final String TEXT = "# HELP fdstore_fds Descriptors.\n# TYPE fdstore_fds gauge\nfdstore_fds 42\n";

    @Test
    void request_roundTrips_asTypeOxODWithAnEmptyBody() throws Exception {
        byte[] frame = Frames.encode(3, new Request.Metrics());

        assertThat(frame[5]).isEqualTo((byte) 0x0D);
        assertThat(frame.length).isEqualTo(Limits.HEADER_SIZE);
        assertThat(Frames.decodeRequest(frame).request()).isEqualTo(new Request.Metrics());
    }

    @Test
    void reply_withContinues_roundTripsItsText() throws Exception {
        byte[] frame = Frames.encode(MessageType.METRICS.replyCode(), 3, true, new Reply.Metrics(TEXT));

        DecodedReply decoded = Frames.decodeReply(frame);

        assertThat(decoded.reply()).isEqualTo(new Reply.Metrics(TEXT));
        assertThat(decoded.header().continues()).isTrue();
    }

    @Test
    void reply_textOverTheLimit_isRefusedBeforeEncoding() {
        String big = "x".repeat(Reply.Metrics.MAX_TEXT_BYTES + 1);

        assertThatThrownBy(() -> Frames.encode(MessageType.METRICS.replyCode(), 3, false, new Reply.Metrics(big)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metrics text");
    }

    @Test
    void reply_underAnotherType_isRefused() {
        assertThatThrownBy(() -> Frames.encode(MessageType.STATUS.replyCode(), 3, false, new Reply.Metrics(TEXT)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

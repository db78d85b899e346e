package org.fdstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.fdstore.protocol.DaemonStatus;
import org.junit.jupiter.api.Test;

/** The two renderings of {@code fdstore status}: key: value lines and the JSON object. */
class StatusFormatTest {
    private static final DaemonStatus FRESH = DaemonStatus.builder().servingPid(4242).counts(3, 17, 1024, 1000)
            .startedAt(Instant.parse("2026-11-24T04:32:30.123Z")).version("0.1.0")
            .add("notify_socket", "/run/a\nb").build();

    @Test
    void lines_printEveryPairInOrderWithControlCharactersEscaped() {
        assertThat(StatusCommand.lines(FRESH)).isEqualTo("""
                serving_pid: 4242
                standby_pid: none
                role: serving
                entries: 3
                fds: 17
                fd_limit: 1024
                capacity: 1000
                started_at: 2026-11-24T04:32:30.123Z
                last_transition: none
                last_transition_at: none
                last_transition_pause_ms: none
                version: 0.1.0
                notify_socket: /run/a\\nb
                """);
    }

    @Test
    void json_numbersAsNumbersNoneAsNullOthersAsStrings() {
        DaemonStatus handedOver = DaemonStatus.builder().servingPid(5120).standbyPid(5121).counts(0, 9, 64, 50)
                .startedAt(Instant.parse("2026-11-24T04:00:00Z"))
                .lastTransition(DaemonStatus.Transition.HANDOVER, Instant.parse("2026-11-24T05:00:00.5Z"), 31)
                .version("0.1.0").build();

        assertThat(StatusJson.format(FRESH)).isEqualTo("{\"serving_pid\":4242,\"standby_pid\":null,"
                + "\"role\":\"serving\",\"entries\":3,\"fds\":17,\"fd_limit\":1024,\"capacity\":1000,"
                + "\"started_at\":\"2026-11-24T04:32:30.123Z\",\"last_transition\":\"none\","
                + "\"last_transition_at\":null,\"last_transition_pause_ms\":null,\"version\":\"0.1.0\","
                + "\"notify_socket\":\"/run/a\\nb\"}\n");
        assertThat(StatusJson.format(handedOver)).contains("\"standby_pid\":5121,")
                .contains("\"last_transition\":\"handover\",\"last_transition_at\":\"2026-11-24T05:00:00.500Z\","
                        + "\"last_transition_pause_ms\":31,");
    }
}

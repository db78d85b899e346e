package org.fdstore.daemon.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.fdstore.daemon.lifetime.Expiry;
import org.fdstore.linux.Errno;
import org.fdstore.protocol.MessageType;
import org.junit.jupiter.api.Test;

class MetricsTextTest {
    @Test
    void render_fixedFamilies_isTheGoldenText() {
        List<MetricFamily> families = List.of(
                new MetricFamily("fdstore_entries", "gauge", "Entries stored, by namespace and kind of file.", List.of(
                        new MetricFamily.Sample("fdstore_entries", List.of("namespace", "web", "kind", "socket"), 3),
                        new MetricFamily.Sample("fdstore_entries",
                                List.of("namespace", "odd\"name\\x\ny", "kind", "file"), 1))),
                new MetricFamily("fdstore_fds", "gauge", "Open \\ descriptors\nnow.",
                        List.of(new MetricFamily.Sample("fdstore_fds", List.of(), 42))),
                new MetricFamily("fdstore_last_transition_pause_seconds", "gauge", "Pause.",
                        List.of(new MetricFamily.Sample("fdstore_last_transition_pause_seconds", List.of(), 0.012))),
                new MetricFamily("fdstore_request_duration_seconds", "histogram", "Durations.", List.of(
                        new MetricFamily.Sample("fdstore_request_duration_seconds_bucket",
                                List.of("type", "save", "le", "+Inf"), 2),
                        new MetricFamily.Sample("fdstore_request_duration_seconds_sum", List.of("type", "save"),
                                Double.POSITIVE_INFINITY))));

        assertThat(MetricsText.render(families)).isEqualTo("""
                # HELP fdstore_entries Entries stored, by namespace and kind of file.
                # TYPE fdstore_entries gauge
                fdstore_entries{namespace="web",kind="socket"} 3
                fdstore_entries{namespace="odd\\"name\\\\x\\ny",kind="file"} 1
                # HELP fdstore_fds Open \\\\ descriptors\\nnow.
                # TYPE fdstore_fds gauge
                fdstore_fds 42
                # HELP fdstore_last_transition_pause_seconds Pause.
                # TYPE fdstore_last_transition_pause_seconds gauge
                fdstore_last_transition_pause_seconds 0.012
                # HELP fdstore_request_duration_seconds Durations.
                # TYPE fdstore_request_duration_seconds histogram
                fdstore_request_duration_seconds_bucket{type="save",le="+Inf"} 2
                fdstore_request_duration_seconds_sum{type="save"} +Inf
                """);
    }

    @Test
    void counters_requestsOfTwoResults_giveCountsAndACumulativeHistogram() {
        Counters counters = new Counters();
        counters.request(MessageType.SAVE.code(), 0, 200_000);           // 0.2 ms: in le=0.0005
        counters.request(MessageType.SAVE.code(), 0, 2_000_000_000L);    // 2 s: only in +Inf
        counters.request(MessageType.SAVE.code(), Errno.EEXIST.number(), 50_000);
        counters.expired(Expiry.TTL);
        counters.transitioned("handover", 12);

        String text = MetricsText.render(counters.families());

        assertThat(text).contains(
                "fdstore_requests_total{type=\"save\",result=\"ok\"} 2\n",
                "fdstore_requests_total{type=\"save\",result=\"EEXIST\"} 1\n",
                "fdstore_request_duration_seconds_bucket{type=\"save\",le=\"0.0001\"} 1\n",
                "fdstore_request_duration_seconds_bucket{type=\"save\",le=\"0.0005\"} 2\n",
                "fdstore_request_duration_seconds_bucket{type=\"save\",le=\"1\"} 2\n",
                "fdstore_request_duration_seconds_bucket{type=\"save\",le=\"+Inf\"} 3\n",
                "fdstore_request_duration_seconds_count{type=\"save\"} 3\n",
                "fdstore_expired_total{reason=\"ttl\"} 1\n",
                "fdstore_expired_total{reason=\"hangup\"} 0\n",
                "fdstore_transitions_total{kind=\"handover\"} 1\n",
                "fdstore_last_transition_pause_seconds 0.012\n");
        assertThat(text).doesNotContain("type=\"restore\"");
    }

    @Test
    void counters_exportedAndAddedToAnother_continueWhereTheyWere() {
        Counters old = new Counters();
        old.request(MessageType.RESTORE.code(), 0, 1_000);
        old.request(0x7F, Errno.ENOSYS.number(), 1_000);
        old.expired(Expiry.HANGUP);
        Counters successor = new Counters();
        successor.request(MessageType.RESTORE.code(), 0, 1_000);

        Map<String, Long> exported = old.export();
        successor.add(exported);
        successor.add(Map.of("requests/0/999", 5L, "nonsense", 1L));   // Another build's keys: ignored.

        String text = MetricsText.render(successor.families());
        assertThat(text).contains("fdstore_requests_total{type=\"restore\",result=\"ok\"} 2\n",
                "fdstore_requests_total{type=\"unknown\",result=\"ENOSYS\"} 1\n",
                "fdstore_expired_total{reason=\"hangup\"} 1\n");
    }

    @Test
    void split_longText_cutsAtLineEndsWithinTheLimit() {
        String text = "aaaa\nbbbb\ncc\n";

        assertThat(MetricsText.split(text, 10)).containsExactly("aaaa\nbbbb\n", "cc\n");
        assertThat(MetricsText.split("", 10)).containsExactly("");
        assertThatThrownBy(() -> MetricsText.split("x".repeat(11) + "\n", 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parse_badAddresses_nameWhatIsWrong() {
        assertThat(MetricsEndpoint.parse("127.0.0.1:9464").getPort()).isEqualTo(9464);
        assertThat(MetricsEndpoint.parse("[::1]:0").getAddress().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> MetricsEndpoint.parse("9464")).hasMessageContaining("expected HOST:PORT");
        assertThatThrownBy(() -> MetricsEndpoint.parse("localhost:70000")).hasMessageContaining("0 to 65535");
    }
}

package org.fdstore.daemon.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What a client may publish on the daemon's metrics, and how it is shown. */
class PublishedMetricsTest {
    @Test
    void parse_goodLines_addTheUidLabel() {
        List<MetricFamily.Sample> samples = PublishedMetrics.parse(
                "fdstore_fuse_requests_total{mount=\"/mnt/a b\",op=\"LOOKUP\"} 12\n"
                        + "fdstore_fuse_request_duration_seconds_sum{mount=\"/mnt/a b\",op=\"LOOKUP\"} 1.5E-4\n"
                        + "fdstore_fuse_up 1\n", 1000);

        assertThat(samples).containsExactly(
                new MetricFamily.Sample("fdstore_fuse_requests_total",
                        List.of("mount", "/mnt/a b", "op", "LOOKUP", "uid", "1000"), 12),
                new MetricFamily.Sample("fdstore_fuse_request_duration_seconds_sum",
                        List.of("mount", "/mnt/a b", "op", "LOOKUP", "uid", "1000"), 1.5e-4),
                new MetricFamily.Sample("fdstore_fuse_up", List.of("uid", "1000"), 1));
        assertThat(PublishedMetrics.parse("", 0)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "fdstore_entries 1\n",                                   // not a fuse name: would forge the daemon's own
        "fdstore_fuse_x{uid=\"0\"} 1\n",                          // uid is the daemon's label
        "fdstore_fuse_x{a=\"1\",a=\"2\"} 1\n",                    // repeated label
        "fdstore_fuse_x{a=\"q\\\"\"} 1\n",                        // quote in a value
        "fdstore_fuse_x{a=\"1\"} 1\n# TYPE fdstore_fuse_x gauge\n", // comments are the daemon's
        "fdstore_fuse_x -1\n",
        "fdstore_fuse_x NaN\n",
        "fdstore_fuse_x 1",                                      // no final newline
        "fdstore_fuse_X 1\n",
    })
    void parse_badText_isRefusedNamingWhy(String text) {
        assertThatThrownBy(() -> PublishedMetrics.parse(text, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("(?s).*(line \\d|newline).*");
    }

    @Test
    void parse_tooManyLines_isRefused() {
        String text = "fdstore_fuse_x 1\n".repeat(PublishedMetrics.MAX_SERIES_PER_CONNECTION + 1);

        assertThatThrownBy(() -> PublishedMetrics.parse(text, 0)).hasMessageContaining("more than 1024 lines");
    }

    @Test
    void families_ofTwoConnections_groupByFamilyWithItsType() {
        List<MetricFamily.Sample> a = PublishedMetrics.parse("fdstore_fuse_requests_total{mount=\"/a\"} 1\n"
                + "fdstore_fuse_request_duration_seconds_sum{mount=\"/a\"} 0.5\n"
                + "fdstore_fuse_request_duration_seconds_count{mount=\"/a\"} 1\n", 0);
        List<MetricFamily.Sample> b = PublishedMetrics.parse("fdstore_fuse_requests_total{mount=\"/b\"} 2\n", 7);

        String text = MetricsText.render(PublishedMetrics.families(List.of(a, b)));

        assertThat(text).contains("# TYPE fdstore_fuse_requests_total counter\n"
                + "fdstore_fuse_requests_total{mount=\"/a\",uid=\"0\"} 1\n"
                + "fdstore_fuse_requests_total{mount=\"/b\",uid=\"7\"} 2\n");
        assertThat(text).contains("# TYPE fdstore_fuse_request_duration_seconds summary\n"
                + "fdstore_fuse_request_duration_seconds_sum{mount=\"/a\",uid=\"0\"} 0.5\n"
                + "fdstore_fuse_request_duration_seconds_count{mount=\"/a\",uid=\"0\"} 1\n");
    }
}

package org.fdstore.daemon.observe;

import java.util.List;
import java.util.Objects;

/**
 * One metric family of the Prometheus text format: its name, type, help line and samples.
 *
 * @param name the family's name, e.g. {@code fdstore_requests_total}
 * @param type {@code counter}, {@code gauge} or {@code histogram}
 * @param help one line saying what it measures
 * @param samples its samples, in the order they are written; copied into an unmodifiable list
 */
public record MetricFamily(String name, String type, String help, List<Sample> samples) {
    /**
     * One sample line.
     *
     * @param name the sample's name: the family's, or with {@code _bucket}, {@code _sum} or {@code _count} for a
     *     histogram
     * @param labels label names and values alternating; copied into an unmodifiable list
     * @param value the value; {@link Double#POSITIVE_INFINITY} is written {@code +Inf}
     */
    public record Sample(String name, List<String> labels, double value) {
        /** Copies {@code labels}; checks they come in pairs. */
        public Sample {
            labels = List.copyOf(labels);
            if (labels.size() % 2 != 0) throw new IllegalArgumentException("labels come in name, value pairs");
        }
    }

    /** Copies {@code samples}. */
    public MetricFamily {
        Objects.requireNonNull(name, "name");
        samples = List.copyOf(samples);
    }
}

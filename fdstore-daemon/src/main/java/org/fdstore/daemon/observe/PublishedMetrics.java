package org.fdstore.daemon.observe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metric lines a client publishes on the daemon's metrics (a FUSE mount's serving process publishes its request
 * counts): checked strictly, since another process wrote them, then grouped into families with the daemon's own.
 *
 * <p>Stateless and thread safe.
 */
public final class PublishedMetrics {
    /** The most sample lines one connection may publish. */
    public static final int MAX_SERIES_PER_CONNECTION = 1024;
    /** The most sample lines all connections together may publish. */
    public static final int MAX_SERIES = 8192;

    private static final Pattern LINE = Pattern.compile(
            "(fdstore_fuse_[a-z_]+)(?:\\{((?:[a-z_]+=\"[^\"\\\\\\p{Cntrl}]{0,256}\",?){1,8})\\})? ([0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)");
    private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

    private PublishedMetrics() {}

    /**
     * The samples of {@code text}, each with a label {@code uid} the daemon adds from the peer's credentials.
     *
     * @param text lines {@code fdstore_fuse_NAME{label="value",...} VALUE}, each ending in a newline: names of
     *     lower-case letters and underscores, at most 8 labels with values of at most 256 characters and no quote,
     *     backslash or control character, a label other than {@code uid}, a finite non-negative value
     * @throws IllegalArgumentException naming the first bad line, or too many lines
     */
    public static List<MetricFamily.Sample> parse(String text, int uid) {
        List<MetricFamily.Sample> samples = new ArrayList<>();
        if (text.isEmpty()) return List.of();
        if (!text.endsWith("\n")) throw new IllegalArgumentException("the text must end in a newline");
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            if (samples.size() == MAX_SERIES_PER_CONNECTION) {
                throw new IllegalArgumentException("more than " + MAX_SERIES_PER_CONNECTION + " lines");
            }
            samples.add(sample(lines[i], i + 1, uid));
        }
        return List.copyOf(samples);
    }

    private static MetricFamily.Sample sample(String line, int number, int uid) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("line " + number + " is not fdstore_fuse_NAME{label=\"value\",...}"
                    + " VALUE with names of a-z and _: " + abbreviate(line));
        }
        List<String> labels = new ArrayList<>();
        if (m.group(2) != null) {
            Matcher label = LABEL.matcher(m.group(2));
            while (label.find()) {
                if (label.group(1).equals("uid") || labels.contains(label.group(1))) {
                    throw new IllegalArgumentException("line " + number + " repeats label " + label.group(1)
                            + " (uid is the daemon's): " + abbreviate(line));
                }
                labels.add(label.group(1));
                labels.add(label.group(2));
            }
        }
        labels.add("uid");
        labels.add(Integer.toUnsignedString(uid));
        double value = Double.parseDouble(m.group(3));
        if (!Double.isFinite(value)) throw new IllegalArgumentException("line " + number + " has no finite value");
        return new MetricFamily.Sample(m.group(1), labels, value);
    }

    /**
     * The families of every connection's published samples: a name ending in {@code _sum} or {@code _count} belongs
     * to a summary, one ending in {@code _total} is a counter, any other a gauge.
     */
    public static List<MetricFamily> families(Collection<List<MetricFamily.Sample>> published) {
        Map<String, List<MetricFamily.Sample>> byFamily = new LinkedHashMap<>();
        for (List<MetricFamily.Sample> samples : published) {
            for (MetricFamily.Sample s : samples) {
                byFamily.computeIfAbsent(family(s.name()), f -> new ArrayList<>()).add(s);
            }
        }
        List<MetricFamily> families = new ArrayList<>();
        byFamily.forEach((name, samples) -> families.add(new MetricFamily(name, type(name, samples), "Published by"
                + " the process that serves a FUSE mount; see docs/operations.md.", samples)));
        return List.copyOf(families);
    }

    private static String family(String sample) {
        if (sample.endsWith("_sum")) return sample.substring(0, sample.length() - 4);
        if (sample.endsWith("_count")) return sample.substring(0, sample.length() - 6);
        return sample;
    }

    private static String type(String family, List<MetricFamily.Sample> samples) {
        if (samples.stream().anyMatch(s -> !s.name().equals(family))) return "summary";
        return family.endsWith("_total") ? "counter" : "gauge";
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 80) + "...";
    }
}

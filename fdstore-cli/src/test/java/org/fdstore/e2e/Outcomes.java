package org.fdstore.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one run of a real-program case printed, step by step: {@code STEP: OUTCOME}, {@code STEP| DETAIL} and
 * {@code STEP! EXPECTED} lines (see real_programs.py); lines without a step (a Python traceback) belong to
 * "(no step)". Two runs are compared step by step, so that a difference names the step and shows both outcomes.
 */
record Outcomes(String caseName, Map<String, List<String>> steps) {
    private static final String NO_STEP = "(no step)";
    private static final int SHOWN_LINES = 12;

    static Outcomes parse(String caseName, String text) {
        Map<String, List<String>> steps = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            steps.computeIfAbsent(stepOf(line), k -> new ArrayList<>()).add(line);
        }
        return new Outcomes(caseName, steps);
    }

    private static String stepOf(String line) {
        int end = -1;
        for (String marker : new String[] {": ", "| ", "! "}) {
            int at = line.indexOf(marker);
            if (at > 0 && (end < 0 || at < end)) end = at;
        }
        return end < 0 ? NO_STEP : line.substring(0, end);
    }

    /** The steps whose outcome is not what the program does on a healthy filesystem (their '!' lines). */
    List<String> unexpected() {
        return steps.values().stream().flatMap(List::stream)
                .filter(line -> !stepOf(line).equals(NO_STEP) && line.startsWith(stepOf(line) + "! ")).toList();
    }

    /**
     * Empty if this run printed exactly what {@code expected} did; otherwise a message naming the case, the first
     * step that differs with both outcomes, and the other steps that differ.
     */
    Optional<String> differenceFrom(Outcomes expected, String expectedWhere, String actualWhere) {
        // In this run's order: a run that went astray (an uncaught exception) is reported where it did.
        Set<String> names = new LinkedHashSet<>(steps.keySet());
        names.addAll(expected.steps.keySet());
        List<String> differing = names.stream()
                .filter(n -> !expected.steps.getOrDefault(n, List.of()).equals(steps.getOrDefault(n, List.of())))
                .toList();
        if (differing.isEmpty()) return Optional.empty();
        String first = differing.getFirst();
        StringBuilder out = new StringBuilder("case '" + caseName + "', step '" + first + "': " + actualWhere
                + " differs from " + expectedWhere + "\n");
        show(out, expectedWhere, expected.steps.getOrDefault(first, List.of()), steps.getOrDefault(first, List.of()));
        show(out, actualWhere, steps.getOrDefault(first, List.of()), expected.steps.getOrDefault(first, List.of()));
        List<String> others = differing.subList(1, differing.size());
        if (!others.isEmpty()) {
            out.append("  ").append(others.size()).append(" more steps differ: ")
                    .append(String.join(", ", others.subList(0, Math.min(others.size(), SHOWN_LINES))))
                    .append(others.size() > SHOWN_LINES ? ", ..." : "").append('\n');
        }
        return Optional.of(out.toString());
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        steps.values().forEach(lines -> lines.forEach(l -> out.append(l).append('\n')));
        return out.toString();
    }

    /** The lines of one side, those absent from the other side first (a tree listing can be long). */
    private static void show(StringBuilder out, String where, List<String> lines, List<String> other) {
        out.append("  ").append(where).append(":").append(lines.isEmpty() ? " (step not reached)\n" : "\n");
        List<String> ordered = new ArrayList<>(lines.stream().filter(l -> !other.contains(l)).toList());
        ordered.addAll(lines.stream().filter(other::contains).toList());
        ordered.stream().limit(SHOWN_LINES).forEach(l -> out.append("    ").append(l).append('\n'));
        if (ordered.size() > SHOWN_LINES) out.append("    (").append(ordered.size() - SHOWN_LINES).append(" more)\n");
    }
}

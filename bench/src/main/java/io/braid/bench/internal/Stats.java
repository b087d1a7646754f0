package io.braid.bench.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Medians and percentiles: the summaries the benchmarks quote (shared machines are noisy). */
final class Stats {

    private Stats() {
    }

    static double median(List<? extends Number> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = sorted(values);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** The nearest-rank percentile {@code p} (0–100) of {@code values}. */
    static double percentile(List<? extends Number> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = sorted(values);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double min(List<? extends Number> values) {
        return values.stream().mapToDouble(Number::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<? extends Number> values) {
        return values.stream().mapToDouble(Number::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * Events per second between the moments the {@code from} and {@code to} fractions (0–1) of the events had
     * happened, given each event's time in milliseconds in any order: a sustained rate without ramp-up and drain.
     */
    static double rateBetween(long[] timesMillis, double from, double to) {
        long[] sorted = Arrays.copyOf(timesMillis, timesMillis.length);
        Arrays.sort(sorted);
        int first = (int) Math.round(from * (sorted.length - 1));
        int last = (int) Math.round(to * (sorted.length - 1));
        if (sorted.length == 0 || last <= first || sorted[last] == sorted[first]) {
            throw new IllegalArgumentException("too few events, or all in one millisecond, for a rate");
        }
        return (last - first) / ((sorted[last] - sorted[first]) / 1000.0);
    }

    /**
     * How long after the {@code from} fraction (0–1) of the events the last one happened, in ms, given each event's
     * time in any order: the tail of a batch. A batch whose last results wait out a record lock (the share group's
     * delivery stall, docs/DESIGN.md) has a tail of seconds where a healthy one has milliseconds.
     */
    static long tailMillis(long[] timesMillis, double from) {
        if (timesMillis.length == 0) {
            throw new IllegalArgumentException("no events, so no tail");
        }
        long[] sorted = Arrays.copyOf(timesMillis, timesMillis.length);
        Arrays.sort(sorted);
        return sorted[sorted.length - 1] - sorted[(int) Math.round(from * (sorted.length - 1))];
    }

    private static List<Double> sorted(List<? extends Number> values) {
        List<Double> sorted = new ArrayList<>(values.stream().map(Number::doubleValue).toList());
        Collections.sort(sorted);
        return sorted;
    }
}

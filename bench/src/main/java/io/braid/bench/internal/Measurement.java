package io.braid.bench.internal;

import java.util.List;

/**
 * One figure of a benchmark scenario: its value in each measured run (warm-ups left out), the goal it is held to
 * and whether the median meets it. {@code lowerIsBetter} says which way the goal points.
 */
public record Measurement(String scenario, String metric, String unit, List<Double> runs, Double goal,
                          boolean lowerIsBetter, String note) {

    public double median() {
        return Stats.median(runs);
    }

    public double min() {
        return Stats.min(runs);
    }

    public double max() {
        return Stats.max(runs);
    }

    /** Null when there is no goal. */
    public Boolean met() {
        if (goal == null || runs.isEmpty()) {
            return null;
        }
        return lowerIsBetter ? median() <= goal : median() >= goal;
    }
}

package io.braid.cli.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Medians, the only summary the benchmarks quote: shared machines are noisy. */
final class Stats {

    private Stats() {
    }

    static double median(List<? extends Number> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values.stream().map(Number::doubleValue).toList());
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}

package io.braid.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@code soak} scenario's samples: one row every sampling interval, the minutes since the load started and one
 * value per {@link #COLUMNS column} (NaN when it could not be read). Pure apart from {@link #writeCsv}.
 */
final class SoakSamples {

    /**
     * A sampled quantity: its CSV name, what it is, its unit, the plot panel it is drawn in, and whether its growth
     * is held to the goal (not for what Braid does not set, such as the broker's internal topics).
     */
    record Column(String name, String label, String unit, String panel, boolean judged) {

        Column(String name, String label, String unit, String panel) {
            this(name, label, unit, panel, true);
        }
    }

    static final String HEAP = "Orchestrator heap";
    static final String RSS = "Resident set (RSS)";
    static final String STATE = "Orchestrator state store on disk";
    static final String TOPICS = "Topic data on the broker";
    static final String HELD = "Jobs the orchestrator holds";
    static final String RATE = "Job results per second";
    static final String RESULTS_PER_SECOND = "job_results_per_s";

    static final List<Column> COLUMNS = List.of(
            new Column("orchestrator_heap_used_mib", "orchestrator heap used", "MiB", HEAP),
            new Column("orchestrator_old_gen_used_mib", "orchestrator old generation used", "MiB", HEAP),
            new Column("orchestrator_rss_mib", "orchestrator RSS", "MiB", RSS),
            new Column("worker_1_rss_mib", "worker 1 RSS", "MiB", RSS),
            new Column("worker_2_rss_mib", "worker 2 RSS", "MiB", RSS),
            new Column("broker_rss_mib", "broker RSS", "MiB", RSS),
            new Column("state_dir_mib", "orchestrator state store on disk", "MiB", STATE),
            new Column("changelog_mib", "changelog bytes", "MiB", TOPICS),
            new Column("braid_topics_mib", "Braid's topics' bytes", "MiB", TOPICS),
            new Column("internal_topics_mib", "the broker's internal topics' bytes", "MiB", TOPICS, false),
            new Column("jobs_held", "jobs held", "jobs", HELD),
            new Column(RESULTS_PER_SECOND, "job results/s", "/s", RATE));

    static final List<String> PANELS = List.of(HEAP, RSS, STATE, TOPICS, HELD, RATE);

    private final List<Double> minutes = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();

    /** Adds a row: {@code values} in the order of {@link #COLUMNS}. */
    void add(double minute, double... values) {
        if (values.length != COLUMNS.size()) {
            throw new IllegalArgumentException("a sample has " + COLUMNS.size() + " values, not " + values.length);
        }
        minutes.add(minute);
        rows.add(values.clone());
    }

    int size() {
        return rows.size();
    }

    List<Double> minutes() {
        return List.copyOf(minutes);
    }

    /** One column's values, in sampling order. */
    List<Double> series(Column column) {
        int index = COLUMNS.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("no column " + column);
        }
        return rows.stream().map(row -> row[index]).toList();
    }

    static Column column(String name) {
        return COLUMNS.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column " + name));
    }

    /** The samples as CSV: a header, then one line per sample; a value that could not be read is left empty. */
    String csv() {
        StringBuilder csv = new StringBuilder("minutes,")
                .append(COLUMNS.stream().map(Column::name).collect(Collectors.joining(","))).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            csv.append(String.format(Locale.ROOT, "%.3f", minutes.get(i)));
            for (double value : rows.get(i)) {
                csv.append(',').append(Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    void writeCsv(Path file) throws IOException {
        Files.writeString(file, csv());
    }

    /** The mean of the values of the middle third of the samples (NaN left out). */
    static double middleThird(List<Double> values) {
        return mean(values.subList(values.size() / 3, 2 * values.size() / 3));
    }

    /** The mean of the values of the last third of the samples (NaN left out). */
    static double lastThird(List<Double> values) {
        return mean(values.subList(2 * values.size() / 3, values.size()));
    }

    /**
     * Whether a quantity levelled off: the mean of the last third of its samples over the mean of the middle third
     * (1 flat, above 1 still growing); NaN with fewer than 3 samples or a third with no value, infinite when it
     * grew from nothing.
     */
    static double growth(List<Double> values) {
        if (values.size() < 3) {
            return Double.NaN;
        }
        double middle = middleThird(values);
        double last = lastThird(values);
        if (middle == 0) {
            return last == 0 ? 1 : Double.POSITIVE_INFINITY;
        }
        return last / middle;
    }

    private static double mean(List<Double> values) {
        return values.stream().filter(v -> !Double.isNaN(v)).mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN);
    }
}

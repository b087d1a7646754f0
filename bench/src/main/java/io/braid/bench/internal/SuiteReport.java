package io.braid.bench.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark suite's figures as a table for the terminal and as Markdown for docs/BENCHMARKS.md. */
public final class SuiteReport {

    private SuiteReport() {
    }

    /** The table for the terminal, each column as wide as its widest cell. */
    public static String table(List<Measurement> measurements, String machine) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"scenario", "metric", "median", "spread (min–max)", "goal", "met"});
        for (Measurement m : measurements) {
            rows.add(new String[] {m.scenario(), m.metric(), format(m.median(), m.unit()),
                    format(m.min(), "") + " – " + format(m.max(), ""), goal(m), met(m)});
        }
        int[] widths = new int[6];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        String line = "%-" + widths[0] + "s  %-" + widths[1] + "s  %" + widths[2] + "s  %" + widths[3] + "s  %"
                + widths[4] + "s  %s%n";
        StringBuilder text = new StringBuilder("Braid benchmarks — " + machine + "\n");
        for (String[] row : rows) {
            text.append(String.format(Locale.ROOT, line, (Object[]) row));
        }
        return text.toString();
    }

    /** How the fleets were warmed up, in words. */
    public static String warmUpUntil(Duration warmUpTime, Duration maxWarmUpTime) {
        if (!warmUpTime.isPositive()) {
            return "no time (a cold JVM)";
        }
        return "at least " + warmUpTime.toSeconds() + " s and until the JIT compiler was quiet, at most "
                + Math.max(warmUpTime.toSeconds(), maxWarmUpTime.toSeconds()) + " s";
    }

    public static String markdown(List<Measurement> measurements, String machine, int runs, int warmups,
                                  Duration warmUpTime, Duration maxWarmUpTime) {
        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(machine).append(". Each fleet warmed up for ").append(warmUpUntil(warmUpTime,
                        maxWarmUpTime)).append("; medians over ").append(runs).append(" runs after ").append(warmups)
                .append(" warm-up run(s); spread = min – max over the runs.\n\n");
        md.append("| scenario | metric | median | spread | goal | met | note |\n");
        md.append("| --- | --- | ---: | ---: | ---: | :---: | --- |\n");
        for (Measurement m : measurements) {
            md.append("| ").append(m.scenario()).append(" | ").append(m.metric()).append(" | ")
                    .append(format(m.median(), m.unit())).append(" | ").append(format(m.min(), "")).append(" – ")
                    .append(format(m.max(), "")).append(" | ").append(goal(m)).append(" | ").append(met(m))
                    .append(" | ").append(m.note() == null ? "" : m.note()).append(" |\n");
        }
        return md.toString();
    }

    private static String goal(Measurement m) {
        if (m.goal() == null) {
            return "";
        }
        return (m.lowerIsBetter() ? "≤ " : "≥ ") + format(m.goal(), m.unit());
    }

    private static String met(Measurement m) {
        Boolean met = m.met();
        return met == null ? "" : met ? "MET" : "MISS";
    }

    static String format(double value, String unit) {
        if (Double.isNaN(value)) {
            return "–";
        }
        String number = Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : Math.abs(value) >= 10 ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%.2f", value);
        return unit.isEmpty() ? number : unit.equals("×") ? number + "×" : number + " " + unit;
    }
}

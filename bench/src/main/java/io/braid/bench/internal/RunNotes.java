package io.braid.bench.internal;

import java.util.List;
import java.util.Locale;

/** The text the scenarios print per run and write into a measurement's note. */
final class RunNotes {

    private RunNotes() {
    }

    /** The median JIT share over the measured runs, for a measurement's note. */
    static String jitNote(List<Double> compiling) {
        List<Double> reported = compiling.stream().filter(percent -> !percent.isNaN()).toList();
        return reported.isEmpty() ? "JIT time not reported by this JVM"
                : String.format(Locale.ROOT, "JIT compiling %.0f %% of the time", Stats.median(reported));
    }

    /**
     * The CPU the host took from this virtual machine over the measured runs (min – max), for a measurement's note;
     * nothing where the machine does not report steal time.
     */
    static String stealNote(List<Double> stolen) {
        List<Double> reported = stolen.stream().filter(percent -> !percent.isNaN()).toList();
        if (reported.isEmpty()) {
            return "";
        }
        if (Stats.max(reported) < 0.5) {
            return "; no steal by the host";
        }
        return String.format(Locale.ROOT, "; the host took %.0f – %.0f %% of the CPU (steal)", Stats.min(reported),
                Stats.max(reported));
    }

    /** The median of each stage of {@link JobTimer.Timed#stages()}, labelled. */
    static String describeStages(List<double[]> stages) {
        String[] names = {"to first branch", "branches", "to completed", "last result readable",
                "result to job result read"};
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < names.length; k++) {
            int stage = k;
            text.append(k == 0 ? "" : ", ").append(names[k]).append(' ')
                    .append(String.format("%.0f ms", Stats.median(stages.stream().map(s -> s[stage]).toList())));
        }
        return text.toString();
    }
}

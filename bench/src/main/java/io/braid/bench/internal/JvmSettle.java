package io.braid.bench.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * Lets the JVM settle before a measured run: collects the garbage of the runs before and waits until the process
 * uses little CPU. A throughput run leaves work behind when its last job result arrives (share acknowledgements,
 * the aggregator's commits and changelog, a heap full of the run's garbage), and the two throughput fleets share
 * one JVM, so without this a run could pay for the one before. Measured, settling takes about 2 s and ends at
 * about a quarter of a core; it did not remove the difference between the fleets' runs that remains (a fleet's
 * first run after standing idle through two of the other's was often the slower; docs/BENCHMARKS.md).
 */
final class JvmSettle {

    /** Quiet: the process used at most this share of one core over a {@link #WINDOW}. */
    static final double QUIET_CORE_PERCENT = 30.0;
    static final Duration WINDOW = Duration.ofMillis(500);

    /** How a settle went: how long it took, the last window's CPU (% of one core), and whether it got quiet. */
    record Outcome(Duration took, double corePercent, boolean quiet) {

        String describe() {
            if (Double.isNaN(corePercent)) {
                return "";
            }
            return String.format(Locale.ROOT, "; settled %.1f s before, to %.0f %% of a core%s",
                    took.toMillis() / 1000.0, corePercent, quiet ? "" : " (not quiet within the limit)");
        }
    }

    private JvmSettle() {
    }

    /** Collects garbage, then waits up to {@code limit} for a quiet {@link #WINDOW}. */
    static Outcome settle(Duration limit) {
        long start = System.nanoTime();
        System.gc();
        if (MachineCpuMeter.jvmCpuNanos() < 0) {
            return new Outcome(Duration.ofNanos(System.nanoTime() - start), Double.NaN, false);
        }
        Window window = new Window();
        boolean quiet = Waits.until(limit, window::quiet);
        return new Outcome(Duration.ofNanos(System.nanoTime() - start), window.lastCorePercent, quiet);
    }

    /** The process's CPU over consecutive windows of at least {@link #WINDOW}. */
    private static final class Window {
        private long startWall = System.nanoTime();
        private long startCpu = MachineCpuMeter.jvmCpuNanos();
        double lastCorePercent = Double.NaN;

        boolean quiet() {
            long wall = System.nanoTime() - startWall;
            if (wall < WINDOW.toNanos()) {
                return false;
            }
            long cpu = MachineCpuMeter.jvmCpuNanos();
            lastCorePercent = 100.0 * (cpu - startCpu) / wall;
            startWall = System.nanoTime();
            startCpu = cpu;
            return lastCorePercent <= QUIET_CORE_PERCENT;
        }
    }
}

package io.braid.bench.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A fleet's warm-up before its measured runs: rounds of work served unmeasured for at least {@code warmUpTime}, then
 * until the JIT compiler is quiet (it works for minutes on the broker, Kafka Streams, the clients and Braid in one
 * JVM, see {@link JitMeter}), at most {@code maxWarmUpTime}.
 */
final class WarmUp {

    /**
     * A warm-up ends once the compiler took at most this share of each of the last {@link #QUIET_WINDOWS} windows
     * of {@link #QUIET_WINDOW}: one quiet window is not enough, a compiler that finished one big method soon starts
     * the next.
     */
    private static final double QUIET_COMPILER_PERCENT = 20.0;
    private static final int QUIET_WINDOWS = 2;
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(15);

    private final Duration warmUpTime;
    private final Duration maxWarmUpTime;
    private final PrintStream out;

    WarmUp(Duration warmUpTime, Duration maxWarmUpTime, PrintStream out) {
        this.warmUpTime = warmUpTime;
        this.maxWarmUpTime = maxWarmUpTime;
        this.out = out;
    }

    /**
     * Serves rounds of work unmeasured for at least {@code warmUpTime} and then until the JIT compiler is quiet
     * (see {@link #QUIET_COMPILER_PERCENT}) or {@code maxWarmUpTime} has passed, so that the measured runs meet
     * compiled code rather than the compiler at work on a core the system under test needs. A fixed time measured
     * fleets in different states: a fleet started after others in the same JVM finds much of its code compiled
     * already, and a throughput fleet's compiler was still busy half the time after four minutes.
     */
    void run(String fleet, Runnable round) {
        if (!warmUpTime.isPositive()) {
            return;
        }
        JitMeter jit = JitMeter.start();
        JitMeter window = JitMeter.start();
        List<Double> windows = new ArrayList<>();
        int quietWindows = 0;
        int rounds = 0;
        while (true) {
            round.run();
            rounds++;
            if (window.elapsed().compareTo(QUIET_WINDOW) >= 0) {
                double compiling = window.percentOfWallTime();
                windows.add(compiling);
                // NaN: the JVM does not say how busy its compiler is; then the minimum time is all there is
                quietWindows = compiling > QUIET_COMPILER_PERCENT ? 0 : quietWindows + 1;
                if (jit.elapsed().compareTo(warmUpTime) >= 0 && (quietWindows >= QUIET_WINDOWS
                        || jit.elapsed().compareTo(maxWarmUpTime) >= 0)) {
                    break;
                }
                window = JitMeter.start();
            }
        }
        out.printf("  %s warmed up: %d rounds in %.0f s, the JIT compiling %.0f %% of the time (%s %% by %d s)%s%n",
                fleet, rounds, jit.elapsed().toMillis() / 1e3, jit.percentOfWallTime(), windows.stream()
                        .map(percent -> String.format(Locale.ROOT, "%.0f", percent)).toList(),
                QUIET_WINDOW.toSeconds(), quietWindows >= QUIET_WINDOWS ? "" : "; still busy at --max-warm-up-time");
    }
}

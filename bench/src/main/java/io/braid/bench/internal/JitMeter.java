package io.braid.bench.internal;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * How busy the JIT compiler was during a stretch of a benchmark. The scenarios run the broker, Kafka Streams, the
 * clients and Braid in one JVM; the compiler works through that code for a minute and more, and on 2 cores a busy
 * compiler thread takes one of them from the system under test (measured: the first fan-in runs of a fresh fleet
 * spent as much time compiling as their wall time). A run whose figures the compiler still shaped says so.
 *
 * <p>The figure is the JVM's compilation time ({@link CompilationMXBean#getTotalCompilationTime()}: elapsed time,
 * summed over the compiler threads, counted when each compilation ends) as a share of the stretch's wall time, so
 * it can pass 100 % and is lumpy: a long compilation lands in the run in which it ends.
 */
final class JitMeter {

    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

    private final long startCompilingMillis;
    private final long startNanos;

    private JitMeter() {
        this.startCompilingMillis = compilingMillis();
        this.startNanos = System.nanoTime();
    }

    /** Starts measuring now. */
    static JitMeter start() {
        return new JitMeter();
    }

    /** Compilation time since {@link #start()} as a percentage of the wall time since then (can pass 100). */
    double percentOfWallTime() {
        long wallNanos = System.nanoTime() - startNanos;
        if (wallNanos <= 0 || startCompilingMillis < 0) {
            return Double.NaN;
        }
        return 100.0 * Duration.ofMillis(compilingMillis() - startCompilingMillis).toNanos() / wallNanos;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Total compilation time of this JVM in ms, or -1 when the JVM does not report it. */
    private static long compilingMillis() {
        return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported()
                ? COMPILER.getTotalCompilationTime() : -1;
    }
}

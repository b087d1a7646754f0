package io.braid.bench.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who had the machine's CPU during a stretch of a benchmark: this JVM, other processes, or the hypervisor (steal:
 * time a virtual CPU was ready to run but the host ran someone else). The benchmarks run on shared virtual
 * machines where the same command moves by 2× between runs minutes apart; a run that was slow because the host
 * took its CPU says so, next to the compiler's share ({@link JitMeter}).
 *
 * <p>From the first line of {@code /proc/stat} (Linux; elsewhere nothing is reported) and the JVM's own CPU time.
 * Shares are of all cores' time: on 2 cores, one core fully busy is 50 %.
 */
final class MachineCpuMeter {

    /** Linux reports /proc/stat in USER_HZ ticks, 100 per second on every architecture the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Path PROC_STAT = Path.of("/proc/stat");

    /** Cumulative CPU ticks of all cores: all states, idle (with iowait), and steal. */
    record Ticks(long total, long idle, long steal) {

        /** Parses the aggregate {@code cpu} line: user nice system idle iowait irq softirq steal [guest guest_nice]. */
        static Optional<Ticks> parse(String procStat) {
            String first = procStat.lines().findFirst().orElse("");
            List<String> fields = List.of(first.trim().split("\\s+"));
            if (fields.size() < 9 || !fields.get(0).equals("cpu")) {
                return Optional.empty();
            }
            try {
                long[] values = fields.subList(1, 9).stream().mapToLong(Long::parseLong).toArray();
                long total = 0;
                for (long value : values) {
                    total += value; // guest time is already counted in user time, so the first eight are the whole
                }
                return Optional.of(new Ticks(total, values[3] + values[4], values[7]));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** Shares of all cores' time over the stretch, in percent. */
    record Shares(double thisJvm, double otherProcesses, double steal) {

        static Shares between(Ticks start, Ticks end, long jvmCpuNanos) {
            long total = end.total() - start.total();
            if (total <= 0) {
                return new Shares(Double.NaN, Double.NaN, Double.NaN);
            }
            double busy = total - (end.idle() - start.idle()) - (end.steal() - start.steal());
            double jvm = jvmCpuNanos / 1e9 * TICKS_PER_SECOND;
            return new Shares(100.0 * Math.min(jvm, busy) / total, 100.0 * Math.max(0, busy - jvm) / total,
                    100.0 * (end.steal() - start.steal()) / total);
        }

        /** "; CPU: this JVM 84 %, other processes 3 %, steal 9 %" to append to a run's line, or "" unmeasured. */
        String describe() {
            if (Double.isNaN(steal)) {
                return "";
            }
            return String.format(Locale.ROOT, "; CPU: this JVM %.0f %%, other processes %.0f %%, steal %.0f %%",
                    thisJvm, otherProcesses, steal);
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os : null;

    private final Optional<Ticks> start;
    private final long startJvmCpuNanos;

    private MachineCpuMeter() {
        this.startJvmCpuNanos = jvmCpuNanos();
        this.start = read();
    }

    /** Starts measuring now. */
    static MachineCpuMeter start() {
        return new MachineCpuMeter();
    }

    /** The shares since {@link #start()}; NaN where the machine or the JVM does not report them. */
    Shares shares() {
        Optional<Ticks> end = read();
        long jvm = jvmCpuNanos();
        if (start.isEmpty() || end.isEmpty() || jvm < 0 || startJvmCpuNanos < 0) {
            return new Shares(Double.NaN, Double.NaN, Double.NaN);
        }
        return Shares.between(start.get(), end.get(), jvm - startJvmCpuNanos);
    }

    private static Optional<Ticks> read() {
        try {
            return Files.isReadable(PROC_STAT) ? Ticks.parse(Files.readString(PROC_STAT)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** This JVM's CPU time so far, in ns, or -1 when the JVM does not report it. */
    static long jvmCpuNanos() {
        return OS == null ? -1 : OS.getProcessCpuTime();
    }
}

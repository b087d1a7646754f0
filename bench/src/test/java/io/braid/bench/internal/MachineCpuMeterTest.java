package io.braid.bench.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Who had the CPU, from /proc/stat's aggregate line and the JVM's own CPU time. */
class MachineCpuMeterTest {

    @Test
    void the_aggregate_line_gives_all_time_idle_with_iowait_and_steal() {
        String procStat = """
                cpu  3608184 0 611587 5476775 24598 0 66037 466901 0 0
                cpu0 1804092 0 305793 2738387 12299 0 33018 233450 0 0
                intr 1 2 3
                """;

        MachineCpuMeter.Ticks ticks = MachineCpuMeter.Ticks.parse(procStat).orElseThrow();

        assertThat(ticks.total()).isEqualTo(3608184L + 611587 + 5476775 + 24598 + 66037 + 466901);
        assertThat(ticks.idle()).isEqualTo(5476775L + 24598);
        assertThat(ticks.steal()).isEqualTo(466901L);
    }

    @Test
    void a_line_that_is_not_the_aggregate_cpu_line_is_not_read() {
        assertThat(MachineCpuMeter.Ticks.parse("intr 1 2 3 4 5 6 7 8 9")).isEmpty();
        assertThat(MachineCpuMeter.Ticks.parse("cpu 1 2 3")).isEmpty();
        assertThat(MachineCpuMeter.Ticks.parse("cpu a b c d e f g h")).isEmpty();
        assertThat(MachineCpuMeter.Ticks.parse("")).isEmpty();
    }

    @Test
    void busy_time_is_split_between_this_jvm_and_other_processes_and_steal_is_apart() {
        // 2 cores for 1 s = 200 ticks: 120 busy, 60 idle, 20 stolen; the JVM used 0.9 s of CPU (90 ticks)
        MachineCpuMeter.Ticks start = new MachineCpuMeter.Ticks(1_000, 400, 50);
        MachineCpuMeter.Ticks end = new MachineCpuMeter.Ticks(1_200, 460, 70);

        MachineCpuMeter.Shares shares = MachineCpuMeter.Shares.between(start, end, 900_000_000L);

        assertThat(shares.thisJvm()).isCloseTo(45.0, within(1e-9));
        assertThat(shares.otherProcesses()).isCloseTo(15.0, within(1e-9));
        assertThat(shares.steal()).isCloseTo(10.0, within(1e-9));
        assertThat(shares.describe()).isEqualTo("; CPU: this JVM 45 %, other processes 15 %, steal 10 %");
    }

    @Test
    void a_jvm_that_counted_more_than_the_busy_ticks_leaves_nothing_to_other_processes() {
        MachineCpuMeter.Shares shares = MachineCpuMeter.Shares.between(new MachineCpuMeter.Ticks(0, 0, 0),
                new MachineCpuMeter.Ticks(200, 100, 0), 1_100_000_000L);

        assertThat(shares.thisJvm()).isCloseTo(50.0, within(1e-9));
        assertThat(shares.otherProcesses()).isZero();
    }

    @Test
    void an_unmeasured_stretch_describes_nothing() {
        MachineCpuMeter.Ticks same = new MachineCpuMeter.Ticks(10, 5, 0);

        assertThat(MachineCpuMeter.Shares.between(same, same, 0).describe()).isEmpty();
        assertThat(RunNotes.stealNote(List.of(Double.NaN))).isEmpty();
        assertThat(RunNotes.stealNote(List.of(3.0, 0.4, 12.0)))
                .isEqualTo("; the host took 0 – 12 % of the CPU (steal)");
        assertThat(RunNotes.stealNote(List.of(0.2, 0.0))).isEqualTo("; no steal by the host");
    }
}

package io.braid.bench.internal;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark suite's summaries: percentiles, goals met or missed, and the report's table. */
class BenchReportTest {

    @Test
    void percentilesAreNearestRankAndMediansAverageTheMiddlePair() {
        List<Integer> values = List.of(5, 1, 4, 2, 3, 100, 6, 7, 8, 9);

        assertThat(Stats.percentile(values, 50)).isEqualTo(5.0);
        assertThat(Stats.percentile(values, 99)).isEqualTo(100.0);
        assertThat(Stats.percentile(values, 10)).isEqualTo(1.0);
        assertThat(Stats.median(values)).isEqualTo(5.5);
        assertThat(Stats.median(List.of())).isNaN();
    }

    @Test
    void theSustainedRateLeavesOutTheRampUpAndTheDrain() {
        // 100 events, one every 10 ms, written in waves out of order; then 10 stragglers up to 2 s later
        long[] times = new long[110];
        for (int i = 0; i < 100; i++) {
            times[i] = 1_000 + (i * 37 % 100) * 10L;
        }
        for (int i = 100; i < 110; i++) {
            times[i] = 3_000 + (i - 100) * 100L;
        }
        // the middle 80 %: events 11 to 98 of the sorted times, 87 intervals of 10 ms
        assertThat(Stats.rateBetween(times, 0.1, 0.9)).isCloseTo(100.0, Offset.offset(0.01));
        // the whole: 109 intervals over 2,900 ms
        assertThat(Stats.rateBetween(times, 0, 1)).isCloseTo(109 / 2.9, Offset.offset(0.01));
        assertThatThrownBy(() -> Stats.rateBetween(new long[] {5, 5, 5}, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        // the tail: from the 99th percentile (event 108 of the sorted times, at 3,800 ms) to the last (3,900 ms)
        assertThat(Stats.tailMillis(times, 0.99)).isEqualTo(100);
        // from the middle: index 55 of the 110 sorted times (1,550 ms)
        assertThat(Stats.tailMillis(times, 0.5)).isEqualTo(3_900 - 1_550);
    }

    @Test
    void aGoalIsJudgedOnTheMedianInTheDirectionItPoints() {
        Measurement latency = new Measurement("fan-in", "p50", "ms", List.of(30.0, 20.0, 24.0), 25.0, true, null);
        Measurement ratio = new Measurement("job-100", "ratio", "×", List.of(4.0, 6.0, 5.5), 5.0, false, null);
        Measurement info = new Measurement("job-100", "wall", "ms", List.of(1.0), null, true, null);

        assertThat(latency.median()).isEqualTo(24.0);
        assertThat(latency.met()).isTrue();
        assertThat(ratio.met()).isTrue();
        assertThat(new Measurement("t", "rate", "/s", List.of(9_000.0), 10_000.0, false, null).met()).isFalse();
        assertThat(info.met()).isNull();

        String table = SuiteReport.table(List.of(latency, ratio, info), "test machine");
        assertThat(table).contains("fan-in").contains("24.0 ms").contains("20.0 – 30.0").contains("≤ 25.0 ms")
                .contains("MET");
        assertThat(SuiteReport.markdown(List.of(ratio), "test machine", 3, 2, java.time.Duration.ofSeconds(30),
                java.time.Duration.ofMinutes(5)))
                .contains("Each fleet warmed up for at least 30 s and until the JIT compiler was quiet, at most 300 s; "
                        + "medians over 3 runs after 2 warm-up run(s)")
                .contains("| job-100 | ratio | 5.50× | 4.00 – 6.00 | ≥ 5.00× | MET |");
    }

    @Test
    void theTerminalTableKeepsItsColumnsAlignedWhateverTheNamesLength() {
        Measurement shortNames = new Measurement("job-100", "wall", "ms", List.of(1.0), null, true, null);
        Measurement longNames = new Measurement("fan-in (low-latency, no progress events)",
                "… without progress events, whole batch", "ms", List.of(2.0), null, true, null);

        List<String> lines = SuiteReport.table(List.of(shortNames, longNames), "test machine").lines().skip(1)
                .toList();

        int medianEnds = lines.get(0).indexOf("median") + "median".length();
        assertThat(lines.get(1).indexOf("1.00 ms") + "1.00 ms".length()).isEqualTo(medianEnds);
        assertThat(lines.get(2).indexOf("2.00 ms") + "2.00 ms".length()).isEqualTo(medianEnds);
    }

    @Test
    void theJitNoteGivesTheMedianCompilationShareAndSaysWhenTheJvmDoesNotReportIt() {
        assertThat(RunNotes.jitNote(List.of(80.0, 12.0, 30.0))).isEqualTo("JIT compiling 30 % of the time");
        assertThat(RunNotes.jitNote(List.of(Double.NaN))).isEqualTo("JIT time not reported by this JVM");
    }
}

package io.braid.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** A mistake on {@code braid bench}'s command line exits 2 and says what was wrong, before any fleet starts. */
class BenchCommandLineMistakesTest {

    private record Outcome(int exitCode, String err) {
    }

    private static Outcome braid(String... args) {
        CommandLine commandLine = BenchMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        return new Outcome(commandLine.execute(args), err.toString());
    }

    @Test
    void anAggregatorCommitIntervalThatIsNotPositiveIsRefusedWithTheValueThatWorks() {
        Outcome bench = braid("bench", "--commit-interval", "0ms");
        assertThat(bench.exitCode()).isEqualTo(2);
        assertThat(bench.err()).contains("braid bench: --commit-interval must be positive, e.g. 5ms");
    }

    @Test
    void anAggregatorPollTimeOfZeroIsRefusedWithTheValueThatWorks() {
        Outcome bench = braid("bench", "--poll-time", "0ms");
        assertThat(bench.exitCode()).isEqualTo(2);
        assertThat(bench.err()).contains("braid bench: --poll-time must be positive, e.g. 1ms");
    }

    @Test
    void aWarmUpTimeThatIsNotADurationIsRefusedWithTheFormatsThatWork() {
        Outcome bench = braid("bench", "--warm-up-time", "30");
        assertThat(bench.exitCode()).isEqualTo(2);
        assertThat(bench.err()).contains("--warm-up-time").contains("30s");
    }

    @Test
    void anUnknownBenchmarkScenarioIsNamedWithTheScenariosThereAre() {
        Outcome bench = braid("bench", "--scenario", "fan-out");
        assertThat(bench.exitCode()).isEqualTo(2);
        assertThat(bench.err()).contains("unknown scenario 'fan-out'").contains("fan-in, job-100, speedup");
    }

    @Test
    void aFlowScenarioTooSmallToMeasureIsRefusedNamingTheOption() {
        Outcome bench = braid("bench", "--scenario", "in-flight", "--in-flight-branches", "5");
        assertThat(bench.exitCode()).isEqualTo(2);
        assertThat(bench.err()).contains("--in-flight-branches 5 is too small to measure; use 100 or more");
    }

    @Test
    void anInFlightLimitBeyondWhatOneWorkerIsAskedForIsRefusedWithTheLimit() {
        Outcome bench = braid("bench", "--scenario", "in-flight", "--in-flight-branches", "1000000");
        assertThat(bench.exitCode()).isEqualTo(2);
        assertThat(bench.err()).contains("--in-flight-branches 1000000 is more than 50000");
    }

    @Test
    void withoutACommandTheJarNamesTheOneItRuns() {
        Outcome none = braid();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("braid bench --help");
    }

    @Test
    void aSoakLongerThanADayIsRefusedNamingTheOptionAndTheRange() {
        Outcome bench = braid("bench", "--scenario", "soak", "--soak-minutes", "2000");
        assertThat(bench.exitCode()).isEqualTo(2);
        assertThat(bench.err()).contains("--soak-minutes 2000 is out of range; choose 1 to 1440");
    }
}

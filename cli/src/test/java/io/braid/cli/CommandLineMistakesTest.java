package io.braid.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** A mistake on the command line exits non-zero and says what was wrong and how to fix it, before anything starts. */
class CommandLineMistakesTest {

    private record Outcome(int exitCode, String err) {
    }

    private static Outcome braid(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        return new Outcome(commandLine.execute(args), err.toString());
    }

    @Test
    void anAggregatorCommitIntervalThatIsNotPositiveIsRefusedWithTheValueThatWorks() {
        Outcome orchestrator = braid("orchestrator", "--commit-interval", "0ms");
        assertThat(orchestrator.exitCode()).isEqualTo(2);
        assertThat(orchestrator.err()).contains("braid orchestrator: commit interval 0 ms must be positive")
                .contains("the default is 30 ms");
    }

    @Test
    void aConsoleLimitOutOfRangeIsRefusedNamingTheOption() {
        Outcome orchestrator = braid("orchestrator", "--console-max-jobs", "0");
        assertThat(orchestrator.exitCode()).isEqualTo(2);
        assertThat(orchestrator.err()).contains("--console-max-jobs", "between 1 and 1000000");
    }

    @Test
    void anAggregatorPollTimeOfZeroIsRefusedWithTheValueThatWorks() {
        Outcome orchestrator = braid("orchestrator", "--poll-time", "0ms");
        assertThat(orchestrator.exitCode()).isEqualTo(2);
        assertThat(orchestrator.err()).contains("braid orchestrator: poll time 0 ms must be positive")
                .contains("the default is 5 ms");
    }

    @Test
    void aMaxConcurrencyBelowOneIsRefusedNamingTheOptionAndTheDefault() {
        Outcome orchestrator = braid("orchestrator", "--max-concurrency", "0");
        assertThat(orchestrator.exitCode()).isEqualTo(2);
        assertThat(orchestrator.err()).contains("braid orchestrator: max concurrency 0 (--max-concurrency, "
                + "BRAID_MAX_CONCURRENCY) must be 1 or more").contains("the default is 256");
    }
}

package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.JobManifest;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The final SYNTHESIZE / SELECT task: what its prompt can refer to. */
class FinalAggregationTest {

    private static final List<BranchOutcome> OUTCOMES = List.of(
            BranchOutcome.newBuilder().setBranchId("a").setStatus(BranchStatus.SUCCEEDED).setOutput("alpha").build(),
            BranchOutcome.newBuilder().setBranchId("b").setStatus(BranchStatus.SUCCEEDED).setOutput("beta").build(),
            BranchOutcome.newBuilder().setBranchId("c").setStatus(BranchStatus.FAILED).build());

    private static BranchTask task(String prompt) {
        JobManifest manifest = JobManifest.newBuilder(JobFixtures.manifest("job", "a", "b", "c"))
                .setInputs(Map.of("question", "Which queue?", "a", "shadowed"))
                .setMetadata(Map.of("team", "platform"))
                .setAggregation(AggregationSpec.newBuilder().setStrategy(AggregationStrategy.SYNTHESIZE)
                        .setModel("judge").setPrompt(prompt).build())
                .build();
        return FinalAggregation.task(manifest, OUTCOMES, JobFixtures.T0);
    }

    @Test
    void aPromptNamingOnlyJobInputsSeesThemAndGetsTheOutputsAppended() {
        BranchTask task = task("Answer {{question}} from the findings.");

        assertThat(task.getInputs()).containsEntry("question", "Which queue?").containsEntry("a", "alpha")
                .containsEntry("outputs", "[a]\nalpha\n\n[b]\nbeta");
        assertThat(task.getMetadata()).containsEntry("team", "platform");
        assertThat(task.getBranch().getLlm().getUserPrompt())
                .isEqualTo("Answer {{question}} from the findings.\n\n{{outputs}}");
        assertThat(task.getBranch().getLlm().getModel()).isEqualTo("judge");
    }

    @Test
    void aPromptThatPlacesTheOutputsItselfIsKeptAsWritten() {
        assertThat(task("Compare {{a}} with {{ b }}.").getBranch().getLlm().getUserPrompt())
                .isEqualTo("Compare {{a}} with {{ b }}.");
        assertThat(task("Merge:\n{{outputs}}").getBranch().getLlm().getUserPrompt()).isEqualTo("Merge:\n{{outputs}}");
    }

    @Test
    void theJudgesChoiceIsReadFromItsFirstWordABracketedIdOrAWholeWord() {
        List<BranchOutcome> candidates = OUTCOMES.subList(0, 2);
        assertThat(FinalAggregation.chosenBy("**b**. It is clearer.", candidates)).get()
                .extracting(BranchOutcome::getBranchId).isEqualTo("b");
        assertThat(FinalAggregation.chosenBy("I pick [a] over [b].", candidates)).get()
                .extracting(BranchOutcome::getBranchId).isEqualTo("a");
        assertThat(FinalAggregation.chosenBy("Between them, b wins; alphabet aside.", candidates)).get()
                .extracting(BranchOutcome::getBranchId).isEqualTo("b");
        assertThat(FinalAggregation.chosenBy("neither candidate", candidates)).isEmpty();
    }

    @Test
    void hostileAnswersAndPromptsAreScannedInLinearTime() {
        String punctuation = "]".repeat(200_000) + "x";
        long start = System.nanoTime();
        assertThat(FinalAggregation.chosenBy(punctuation, OUTCOMES.subList(0, 2))).isEmpty();
        assertThat(FinalAggregation.placeholders("{{".repeat(100_000) + "outputs}}")).isNotEmpty();
        assertThat(task("{{ ".repeat(50_000)).getBranch().getLlm().getUserPrompt()).endsWith("{{outputs}}");
        // a backtracking scan of these took minutes; a linear one takes milliseconds on any machine
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
    }
}

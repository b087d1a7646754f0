package io.braid.orchestrator.internal.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** VOTE's normaliser and TEMPLATE's filling against outputs written to hurt them. */
class AggregationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static BranchOutcome succeeded(String branchId, String output) {
        return BranchOutcome.newBuilder().setBranchId(branchId).setStatus(BranchStatus.SUCCEEDED).setOutput(output)
                .setAttempt(1).build();
    }

    @Test
    void vote_normalises_case_whitespace_quotes_and_trailing_punctuation() throws Exception {
        JsonNode vote = JSON.readTree(Aggregation.vote(List.of(succeeded("a", "  \"Paris.\" "),
                succeeded("b", "paris!"), succeeded("c", "`PARIS`"), succeeded("d", "New \t\n York"))));

        assertThat(vote.get("answer").asText()).isEqualTo("\"Paris.\"");
        assertThat(vote.get("votes").asInt()).isEqualTo(3);
        assertThat(vote.get("tally").get("new york").asInt()).isEqualTo(1);
        assertThat(Aggregation.normalize("'''yes'''!")).isEqualTo("yes'''");
        assertThat(Aggregation.normalize("\"\"\"")).isEmpty();
    }

    @Test
    void vote_over_outputs_built_to_make_a_backtracking_engine_crawl_finishes_at_once() {
        String quotes = "'".repeat(200_000) + "x";
        String punctuation = "a" + ".".repeat(200_000) + "x";
        String spaces = "a" + " \t".repeat(100_000) + "b";
        String backtracking = "a".repeat(100_000) + "!"; // what (a+)+$ would choke on

        String vote = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Aggregation.vote(List.of(
                succeeded("q", quotes), succeeded("p", punctuation), succeeded("s", spaces),
                succeeded("b", backtracking))));

        assertThat(vote).contains("\"voters\":4");
        assertThat(Aggregation.normalize(spaces)).isEqualTo("a b");
    }

    @Test
    void template_fills_branches_and_inputs_in_one_pass_leaving_placeholders_in_outputs_as_text() {
        List<BranchOutcome> outcomes = List.of(succeeded("a", "A says {{b}} and {{question}}"),
                succeeded("b", "B says {{a}}"));

        String filled = Aggregation.fillTemplate("{{a}} / {{b}} / {{question}} / {{unknown}}", outcomes,
                Map.of("question", "why?"));

        assertThat(filled).isEqualTo("A says {{b}} and {{question}} / B says {{a}} / why? / {{unknown}}");
    }

    @Test
    void template_over_many_branches_whose_outputs_name_each_other_grows_only_by_their_sizes() {
        // each output names the next branch ten times: refilled, the text would grow 10^k over k branches
        List<BranchOutcome> outcomes = new ArrayList<>();
        StringBuilder template = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            outcomes.add(succeeded("b" + i, ("{{b" + (i + 1) + "}}").repeat(10)));
            template.append("{{b").append(i).append("}}");
        }

        String filled = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> Aggregation.fillTemplate(template.toString(), outcomes, Map.of()));

        assertThat(filled).hasSize(outcomes.stream().mapToInt(o -> o.getOutput().length()).sum());
    }

    @Test
    void template_placeholders_next_to_braces_match_as_before() {
        List<BranchOutcome> outcomes = List.of(succeeded("a", "x"));

        assertThat(Aggregation.fillTemplate("{{{a}}} {{a}}}} {{{{a}} {{a", outcomes, Map.of()))
                .isEqualTo("{x} x}} {{x {{a");
        assertThat(Aggregation.fillTemplate("{".repeat(200_000) + "a}}", outcomes, Map.of()))
                .isEqualTo("{".repeat(199_998) + "x");
    }

    @Test
    void a_template_naming_a_large_output_too_often_is_refused_naming_the_limit_before_it_is_built() {
        List<BranchOutcome> outcomes = List.of(succeeded("big", "x".repeat(1_000)));

        assertThatThrownBy(() -> Aggregation.fillTemplate("{{big}}".repeat(100), outcomes, Map.of(), 50_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("50000 characters");
        assertThat(Aggregation.fillTemplate("{{big}}".repeat(50), outcomes, Map.of(), 50_000)).hasSize(50_000);
    }
}

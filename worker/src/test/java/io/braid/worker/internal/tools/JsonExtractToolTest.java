package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.tool.ToolLimitException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** json_extract's =~ filters: RE2J semantics, linear time on hostile patterns, and what is refused. */
class JsonExtractToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLIGHTS = """
            {"flights": [
              {"id": "BR1", "carrier": "Braid Air", "price": 120, "tags": ["night", "direct"]},
              {"id": "KF2", "carrier": "kafka lines", "price": 95, "tags": ["direct"]},
              {"id": "XX3", "carrier": "Other", "price": 80, "tags": []},
              {"id": "NN4", "price": 70}
            ]}""";

    private final JsonExtractTool tool = new JsonExtractTool();

    private String extract(String document, String path) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> tool.execute(JSON.createObjectNode().put("document", document).put("path", path)));
    }

    @Test
    void a_regex_filter_matches_whole_values_with_its_flags() {
        assertThat(extract(FLIGHTS, "$.flights[?(@.carrier =~ /braid.*/i)].id")).isEqualTo("[\"BR1\"]");
        assertThat(extract(FLIGHTS, "$.flights[?(@.carrier =~ /braid/i)].id")).isEqualTo("[]");
        assertThat(extract(FLIGHTS, "$.flights[?(@.price =~ /\\d5/)].id")).isEqualTo("[\"KF2\"]");
        assertThat(extract(FLIGHTS, "$.flights[?(@.tags =~ /nig.t/)].id")).isEqualTo("[\"BR1\"]");
        assertThat(extract(FLIGHTS, "$.flights[?(@['carrier'] =~ /[a-z ]+/)].id")).isEqualTo("[\"KF2\"]");
    }

    @Test
    void regex_relations_combine_with_jayways_own_relations() {
        assertThat(extract(FLIGHTS, "$.flights[?(@.carrier =~ /.*a.*/i && @.price < 100)].id"))
                .isEqualTo("[\"KF2\"]");
        assertThat(extract(FLIGHTS, "$.flights[?(@.id =~ /XX.*/ || (@.price > 100 && @.tags))].id"))
                .isEqualTo("[\"BR1\",\"XX3\"]");
        assertThat(extract(FLIGHTS, "$.flights[?(!(@.carrier =~ /.*(Air|lines)/) && @.price >= 80)].id"))
                .isEqualTo("[\"XX3\"]");
        assertThat(extract(FLIGHTS, "$.flights[?(@.carrier =~ /.*\\/.*/)].id")).isEqualTo("[]");
        assertThat(extract(FLIGHTS, "$.flights[?(@.price < 90)][?(@.id =~ /N.*/)].id")).isEqualTo("[\"NN4\"]");
    }

    @Test
    void a_catastrophic_backtracking_pattern_over_a_long_value_finishes_at_once() {
        String document = "{\"items\": [{\"name\": \"" + "a".repeat(100_000) + "!\"}, {\"name\": \"aaa\"}]}";

        assertThat(extract(document, "$.items[?(@.name =~ /(a+)+$/)].name")).isEqualTo("[\"aaa\"]");
        assertThat(extract(document, "$.items[?(@.name =~ /(a|aa)*b/)].name")).isEqualTo("[]");
    }

    @Test
    void patterns_that_cannot_run_in_linear_time_are_refused_naming_why() {
        assertThatThrownBy(() -> extract(FLIGHTS, "$.flights[?(@.id =~ /(B)\\1/)].id"))
                .isInstanceOf(ToolArgumentsException.class)
                .hasMessageContaining("/(B)\\1/ is not a pattern this worker runs")
                .hasMessageContaining("no backreferences or lookaround");
        assertThatThrownBy(() -> extract(FLIGHTS, "$.flights[?(@.id =~ /(?=B)B.*/)].id"))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("RE2 syntax");
        assertThatThrownBy(() -> extract(FLIGHTS, "$.flights[?(@.id =~ /B.*/x)].id"))
                .hasMessageContaining("the pattern flag 'x' is not supported");
    }

    @Test
    void patterns_past_the_size_limits_are_refused_before_they_are_compiled() {
        assertThatThrownBy(() -> extract(FLIGHTS, "$.flights[?(@.id =~ /((a{1000}){1000}){1000}/)].id"))
                .isInstanceOf(ToolLimitException.class)
                .hasMessageContaining("expands to more than " + SafePattern.MAX_SIZE + " steps");
        assertThatThrownBy(() -> extract(FLIGHTS, "$.flights[?(@.id =~ /" + "a".repeat(1_001) + "/)].id"))
                .isInstanceOf(ToolLimitException.class)
                .hasMessageContaining("1001 characters, over the limit of " + SafePattern.MAX_LENGTH);
        assertThat(SafePattern.size("(ab){3}c")).isEqualTo(10);
        assertThat(SafePattern.size("[a-z{}()]{2,5}\\{x")).isEqualTo(7);
    }

    @Test
    void a_regex_filter_inside_another_filter_is_refused() {
        assertThatThrownBy(() -> extract(FLIGHTS, "$.flights[?(@.tags[?(@ =~ /n.*/)] empty false)].id"))
                .isInstanceOf(ToolArgumentsException.class)
                .hasMessageContaining("not in a filter within a filter");
        assertThatThrownBy(() -> extract(FLIGHTS, "$.flights[?('x' =~ /x/)].id"))
                .hasMessageContaining("must be a path from @ or $");
    }

    @Test
    void an_interrupted_match_stops() {
        SafePattern pattern = SafePattern.compile("(a|b)*c", "", "test");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> pattern.matches("ab".repeat(100_000)))
                    .isInstanceOf(java.util.concurrent.CancellationException.class);
        } finally {
            Thread.interrupted();
        }
    }
}

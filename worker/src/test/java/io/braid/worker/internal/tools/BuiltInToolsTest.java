package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.schema.BranchTask;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.execute.ToolBranchExecutor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuiltInToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ToolBranchExecutor executor = new ToolBranchExecutor(ToolRegistry.builtIns());

    private String run(String tool, String arguments, Map<String, String> inputs) throws Exception {
        BranchTask task = BranchTask.newBuilder().setJobId("j").setDispatchedAt(JobFixtures.T0).setInputs(inputs)
                .setBranch(JobFixtures.toolBranch("t", tool, arguments)).build();
        return executor.execute(task).text();
    }

    @Test
    void calculator_respects_precedence_parentheses_and_powers() throws Exception {
        assertThat(run("calculator", "{\"expression\": \"(2 + 3) * 4.5 - 2^3 / 4\"}", Map.of())).isEqualTo("20.5");
        assertThat(run("calculator", "{\"expression\": \"-1 / 4\"}", Map.of())).isEqualTo("-0.25");
    }

    @Test
    void calculator_rejects_malformed_expressions_and_division_by_zero_as_bad_arguments() {
        assertThatThrownBy(() -> run("calculator", "{\"expression\": \"2 +\"}", Map.of()))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("unexpected end");
        assertThatThrownBy(() -> run("calculator", "{\"expression\": \"1/0\"}", Map.of()))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("division by zero");
    }

    @Test
    void text_stats_reads_its_text_from_job_inputs_escaped_into_the_json_arguments() throws Exception {
        String output = run("text_stats", "{\"text\": \"{{doc}}\", \"top\": 1}",
                Map.of("doc", "Kafka \"queues\" scale. Kafka shares!\nWorkers scale."));
        var stats = JSON.readTree(output);
        assertThat(stats.get("words").asInt()).isEqualTo(7);
        assertThat(stats.get("sentences").asInt()).isEqualTo(3);
        assertThat(stats.get("topWords").toString()).isEqualTo("{\"kafka\":2}");
    }

    @Test
    void json_extract_evaluates_jsonpath_and_names_a_path_that_matches_nothing() throws Exception {
        String document = "{\\\"flights\\\": [{\\\"id\\\": \\\"BR1\\\", \\\"price\\\": 120}, {\\\"id\\\": \\\"BR2\\\", \\\"price\\\": 95}]}";
        assertThat(run("json_extract", "{\"document\": \"" + document + "\", \"path\": \"$.flights[?(@.price < 100)].id\"}",
                Map.of())).isEqualTo("[\"BR2\"]");
        assertThat(run("json_extract", "{\"document\": \"{{doc}}\", \"path\": \"$.a.b\"}",
                Map.of("doc", "{\"a\": {\"b\": [1, 2]}}"))).isEqualTo("[1,2]");
        assertThatThrownBy(() -> run("json_extract", "{\"document\": \"{}\", \"path\": \"$.nope\"}", Map.of()))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("nothing in the document matches $.nope");
        assertThatThrownBy(() -> run("json_extract", "{\"document\": \"{}\", \"path\": \"$[\"}", Map.of()))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("not a JSONPath expression");
    }

    @Test
    void current_time_reads_the_injected_clock_in_the_asked_time_zone() throws Exception {
        ToolBranchExecutor atT0 = new ToolBranchExecutor(ToolRegistry.builtIns(ToolSettings.defaults(),
                new ManualClock(JobFixtures.T0)));
        BranchTask task = BranchTask.newBuilder().setJobId("j").setDispatchedAt(JobFixtures.T0)
                .setBranch(JobFixtures.toolBranch("t", "current_time", "{\"timezone\": \"Asia/Tokyo\"}")).build();
        var now = JSON.readTree(atT0.execute(task).text());
        assertThat(java.time.OffsetDateTime.parse(now.get("iso").asText()).toInstant()).isEqualTo(JobFixtures.T0);
        assertThat(now.get("iso").asText()).endsWith("+09:00");
        assertThatThrownBy(() -> run("current_time", "{\"timezone\": \"Mars/Olympus\"}", Map.of()))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("unknown time zone 'Mars/Olympus'");
    }

    @Test
    void unknown_tools_and_missing_arguments_are_non_retriable_errors_naming_the_problem() {
        assertThatThrownBy(() -> run("nope", "{}", Map.of()))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("unknown tool 'nope'");
        assertThatThrownBy(() -> run("text_stats", "{}", Map.of()))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("missing required argument 'text'");
        assertThatThrownBy(() -> run("calculator", "{\"expression\": \"{{missing}}\"}", Map.of()))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("no input 'missing'");
    }
}

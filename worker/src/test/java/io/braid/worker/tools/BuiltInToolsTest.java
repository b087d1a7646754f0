package io.braid.worker.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.schema.BranchTask;
import io.braid.testing.JobFixtures;
import io.braid.worker.execute.ToolBranchExecutor;
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
    void unknown_tools_and_missing_arguments_are_non_retriable_errors_naming_the_problem() {
        assertThatThrownBy(() -> run("nope", "{}", Map.of()))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("unknown tool 'nope'");
        assertThatThrownBy(() -> run("text_stats", "{}", Map.of()))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("needs argument 'text'");
        assertThatThrownBy(() -> run("calculator", "{\"expression\": \"{{missing}}\"}", Map.of()))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("no input 'missing'");
    }
}

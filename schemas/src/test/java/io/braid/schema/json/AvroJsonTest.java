package io.braid.schema.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchKind;
import io.braid.schema.CompletionMode;
import io.braid.schema.JobRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroJsonTest {

    @Test
    void plain_json_becomes_a_job_request_with_defaults_filled() {
        JobRequest job = AvroJson.fromJson("""
                {"jobId": "j1", "submittedAt": "2026-01-02T03:04:05Z",
                 "branches": [{"branchId": "a", "kind": "TOOL",
                               "tool": {"name": "calculator", "argumentsJson": {"expression": "1+1"}}}]}
                """, JobRequest.class);

        assertThat(job.getJobId()).isEqualTo("j1");
        assertThat(job.getSubmittedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(job.getBranches().get(0).getKind()).isEqualTo(BranchKind.TOOL);
        assertThat(job.getBranches().get(0).getTool().getArgumentsJson()).isEqualTo("{\"expression\":\"1+1\"}");
        assertThat(job.getBranches().get(0).getLlm()).isNull();
        assertThat(job.getCompletion().getMode()).isEqualTo(CompletionMode.ALL);
        assertThat(job.getAggregation().getStrategy()).isEqualTo(AggregationStrategy.COLLECT);
        assertThat(job.getInputs()).isEmpty();
    }

    @Test
    void errors_name_the_path_of_the_offending_value() {
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", \"branches\": [{\"branchId\": \"a\", "
                + "\"kind\": \"LMM\"}]}", JobRequest.class))
                .isInstanceOf(JsonRecordException.class)
                .hasMessage("branches[0].kind: expected one of [LLM, TOOL, AGENT, JOB], got \"LMM\"");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\"}", JobRequest.class))
                .hasMessage("branches: required field is missing");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", \"branches\": [], \"brnches\": 1}",
                JobRequest.class)).hasMessageStartingWith("brnches: unknown field");
    }

    @Test
    void to_json_writes_the_shape_from_json_reads() {
        JobRequest job = AvroJson.fromJson("{\"jobId\": \"j\", \"inputs\": {\"x\": \"1\"}, \"branches\": "
                + "[{\"branchId\": \"a\", \"kind\": \"LLM\", \"llm\": {\"userPrompt\": \"{{x}}\"}}]}", JobRequest.class);

        assertThat(AvroJson.fromJson(AvroJson.toJson(job), JobRequest.class)).isEqualTo(job);
    }

    @Test
    void the_example_job_files_read_strictly() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("..", "examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }

        assertThat(examples).isNotEmpty();
        for (Path example : examples) {
            ObjectNode job = (ObjectNode) AvroJson.readTree(Files.readString(example));
            job.put("jobId", "example");
            assertThat(AvroJson.fromJson(job, JobRequest.class).getBranches()).as(example.toString()).isNotEmpty();
        }
    }
}

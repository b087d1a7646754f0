package io.braid.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.client.DeadLetters.DeadLetter;
import io.braid.schema.BranchTask;
import io.braid.schema.json.AvroJson;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code braid dlq list --json} and {@code show --json}: a dead letter, task and times included, as JSON. */
class DlqJsonTest {

    @Test
    void a_dead_letter_prints_as_json_that_reads_back() throws Exception {
        BranchTask task = BranchTask.newBuilder().setJobId("j").setRound(2).setDispatchedAt(JobFixtures.T0)
                .setBranch(JobFixtures.toolBranch("calc", "calculator", "{\"expression\": \"1/0\"}")).build();
        DeadLetter letter = new DeadLetter("j", "calc", 2, "ToolArgumentException", "division by zero", false, 3,
                Instant.parse("2026-01-01T00:00:01Z"), Instant.parse("2026-01-01T00:00:09.250Z"), task);

        JsonNode json = new ObjectMapper().readTree(DlqCommand.asJson(letter).toString());

        assertThat(json.path("jobId").asText()).isEqualTo("j");
        assertThat(json.path("round").asInt()).isEqualTo(2);
        assertThat(json.path("retriable").asBoolean()).isFalse();
        assertThat(json.path("lastFailure").asText()).isEqualTo("2026-01-01T00:00:09.250Z");
        assertThat(AvroJson.fromJson(json.path("task"), BranchTask.class)).isEqualTo(task);
    }

    @Test
    void a_dead_letter_without_its_task_or_times_still_prints() {
        DeadLetter letter = new DeadLetter("j", "b", 1, "SerializationException", "unreadable", false, 0, null, null,
                null);
        assertThat(DlqCommand.asJson(letter).path("task").isNull()).isTrue();
        assertThat(DlqCommand.asJson(letter).path("firstFailure").isNull()).isTrue();
    }
}

package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.braid.orchestrator.ConsoleSettings;
import io.braid.schema.ModelFlowState;
import io.braid.schema.WorkerState;
import io.braid.schema.WorkerStatus;
import io.braid.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The workers' heartbeats as the console keeps them: latest per worker, forgotten when unheard, bounded. */
class WorkerStatusesTest {

    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

    private final ManualClock clock = new ManualClock(T0);
    private static final int NAME_CHARS = 40;
    private static final int MAX_WORKERS = 30;
    private static final int ROWS = 500;
    private static final ConsoleSettings SETTINGS = ConsoleSettings.builder().maxNameChars(NAME_CHARS)
            .maxWorkers(MAX_WORKERS).build();

    private final WorkerStatuses statuses = new WorkerStatuses(clock, SETTINGS);

    private static WorkerStatus.Builder status(String workerId) {
        return WorkerStatus.newBuilder().setWorkerId(workerId).setHost("host-a pid 1").setStartedAt(T0.minusSeconds(60))
                .setSentAt(T0).setIntervalMs(5_000).setState(WorkerState.RUNNING).setInFlight(3).setMaxInFlight(16)
                .setBranchesFinished(40).setBranchesFailed(2).setModels(List.of(ModelFlowState.newBuilder()
                        .setModel("fast").setAllowedRequestsPerMinute(285.0).setFactor(0.5).setWaitingCalls(4)
                        .setBacklogMs(800).setCoolingUntil(T0.plusSeconds(2)).setInFlightCalls(3).setRateLimited(7)
                        .build()));
    }

    private JsonNode only() {
        ArrayNode rows = statuses.json(ROWS);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    @Test
    void keeps_each_workers_latest_status_with_its_models() {
        statuses.add(status("worker-1").setInFlight(1).build(), T0.minusSeconds(5));
        statuses.add(status("worker-1").build(), T0);
        statuses.add(status("worker-1").setInFlight(9).build(), T0.minusSeconds(3)); // older, read late: ignored

        JsonNode row = only();
        assertThat(row.get("workerId").asText()).isEqualTo("worker-1");
        assertThat(row.get("inFlight").asLong()).isEqualTo(3);
        assertThat(row.get("maxInFlight").asLong()).isEqualTo(16);
        assertThat(row.get("state").asText()).isEqualTo("RUNNING");
        assertThat(row.get("lastSeen").asText()).isEqualTo(T0.toString());
        JsonNode model = row.get("models").get(0);
        assertThat(model.get("model").asText()).isEqualTo("fast");
        assertThat(model.get("requestsPerMinute").asDouble()).isEqualTo(285.0);
        assertThat(model.get("tokensPerMinute").isNull()).isTrue();
        assertThat(model.get("waitingCalls").asLong()).isEqualTo(4);
        assertThat(model.get("rateLimited").asLong()).isEqualTo(7);
        assertThat(model.get("coolingUntil").asText()).isEqualTo(T0.plusSeconds(2).toString());
    }

    @Test
    void forgets_a_worker_unheard_for_three_of_its_intervals() {
        statuses.add(status("worker-1").setIntervalMs(10_000).build(), T0);

        clock.advance(Duration.ofSeconds(29));
        assertThat(statuses.size()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(statuses.size()).isZero();
    }

    @Test
    void keeps_a_worker_at_least_the_minimum_and_forgets_an_absurd_interval_within_the_maximum() {
        statuses.add(status("fast").setIntervalMs(1).build(), T0);
        statuses.add(status("slow").setIntervalMs(Long.MAX_VALUE).build(), T0);

        clock.advance(WorkerStatuses.MIN_FORGET_AFTER.minusSeconds(1));
        assertThat(statuses.size()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(statuses.size()).as("the fast one's minimum passed").isEqualTo(1);
        clock.advance(WorkerStatuses.MAX_INTERVAL.multipliedBy(WorkerStatuses.FORGET_AFTER_INTERVALS));
        assertThat(statuses.size()).isZero();
    }

    @Test
    void an_old_status_read_back_from_the_topic_is_not_shown_and_a_future_one_counts_as_now() {
        statuses.add(status("gone").build(), T0.minus(Duration.ofHours(3)));
        statuses.add(status("skewed").build(), T0.plus(Duration.ofDays(365)));

        assertThat(only().get("workerId").asText()).isEqualTo("skewed");
        assertThat(only().get("lastSeen").asText()).isEqualTo(T0.toString());
        clock.advance(Duration.ofMinutes(1));
        assertThat(statuses.size()).isZero();
    }

    @Test
    void hostile_statuses_are_cut_at_the_configured_name_length_and_clamped() {
        List<ModelFlowState> models = IntStream.range(0, 1_000).mapToObj(i -> ModelFlowState.newBuilder()
                .setModel("m".repeat(10_000) + i).setAllowedRequestsPerMinute(Double.NaN)
                .setAllowedTokensPerMinute(Double.POSITIVE_INFINITY).setFactor(-3.0).setWaitingCalls(-5)
                .setBacklogMs(Long.MAX_VALUE).setInFlightCalls(Integer.MIN_VALUE).setRateLimited(Long.MIN_VALUE)
                .build()).toList();
        statuses.add(status("w".repeat(100_000)).setHost("h".repeat(100_000)).setInFlight(-1)
                .setMaxInFlight(Integer.MAX_VALUE).setBranchesFinished(Long.MAX_VALUE).setModels(models).build(), T0);

        JsonNode row = only();
        assertThat(row.get("workerId").asText()).hasSize(NAME_CHARS + 1).endsWith(Cut.MARK);
        assertThat(row.get("host").asText()).hasSize(NAME_CHARS + 1);
        assertThat(row.get("inFlight").asLong()).isZero();
        assertThat(row.get("finished").asLong()).isEqualTo(WorkerStatuses.MAX_COUNT);
        assertThat(row.get("models")).hasSize(WorkerStatuses.MAX_MODELS);
        assertThat(row.get("modelsDropped").asInt()).isEqualTo(1_000 - WorkerStatuses.MAX_MODELS);
        JsonNode model = row.get("models").get(0);
        assertThat(model.get("model").asText()).hasSize(NAME_CHARS + 1);
        assertThat(model.get("requestsPerMinute").isNull()).isTrue();
        assertThat(model.get("tokensPerMinute").isNull()).isTrue();
        assertThat(model.get("factor").isNull()).isTrue();
        assertThat(model.get("waitingCalls").asLong()).isZero();
        assertThat(model.get("backlogMs").asLong()).isEqualTo(WorkerStatuses.MAX_COUNT);
        assertThat(model.get("rateLimited").asLong()).isZero();
        assertThat(statuses.json(ROWS).toString()).doesNotContain("NaN", "Infinity").hasSizeLessThan(50_000);
    }

    @Test
    void keeps_at_most_the_configured_workers_dropping_the_least_recently_heard() {
        statuses.add(status("oldest").build(), T0.minusSeconds(10));
        for (int i = 0; i < MAX_WORKERS; i++) {
            statuses.add(status("worker-" + i).build(), T0);
        }

        ArrayNode rows = statuses.json(ROWS);
        assertThat(rows).hasSize(MAX_WORKERS);
        assertThat(rows.findValuesAsText("workerId")).doesNotContain("oldest").contains("worker-0");
    }

    @Test
    void a_lower_model_cap_than_the_per_worker_one_wins() {
        WorkerStatuses few = new WorkerStatuses(clock, ConsoleSettings.builder().maxModels(3).build());
        List<ModelFlowState> models = IntStream.range(0, 10).mapToObj(i -> ModelFlowState.newBuilder()
                .setModel("model-" + i).build()).toList();
        few.add(status("w").setModels(models).build(), T0);

        JsonNode row = few.json(ROWS).get(0);
        assertThat(row.get("models")).hasSize(3);
        assertThat(row.get("modelsDropped").asInt()).isEqualTo(7);
    }

    @Test
    void an_answer_holds_at_most_the_row_limit_of_workers_and_of_model_rows_in_all() {
        List<ModelFlowState> models = IntStream.range(0, 10).mapToObj(i -> ModelFlowState.newBuilder()
                .setModel("model-" + i).build()).toList();
        for (int i = 0; i < 8; i++) {
            statuses.add(status("worker-" + i).setModels(models).build(), T0);
        }

        ArrayNode rows = statuses.json(5);
        assertThat(rows).hasSize(5);
        assertThat(rows.findValues("models").stream().mapToInt(JsonNode::size).sum()).isEqualTo(5);
        assertThat(rows.get(0).get("models")).hasSize(5);
        assertThat(rows.get(0).get("modelsDropped").asInt()).isEqualTo(5);
        assertThat(rows.get(1).get("models")).isEmpty();
        assertThat(rows.get(1).get("modelsDropped").asInt()).isEqualTo(10);
        assertThat(statuses.size()).isEqualTo(8);
    }
}

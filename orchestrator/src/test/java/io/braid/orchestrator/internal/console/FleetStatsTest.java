package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The fleet's numbers: bounded, forgetting workers that went away and branches whose result never came. */
class FleetStatsTest {

    private static final int MAX_WORKERS = 50;
    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private final FleetStats fleet = new FleetStats(clock, io.braid.orchestrator.ConsoleSettings.builder()
            .maxWorkers(MAX_WORKERS).build());

    private JobEvent event(String worker, String job, JobEventType type) {
        return JobEvent.newBuilder().setJobId(job).setType(type).setBranchId("b").setWorkerId(worker)
                .setBranchStatus(type == JobEventType.BRANCH_FINISHED ? BranchStatus.SUCCEEDED : null)
                .setAt(clock.instant()).build();
    }

    @Test
    void forgets_a_worker_unseen_for_the_history_with_the_branches_it_ran() {
        fleet.event(event("gone", "j1", JobEventType.BRANCH_STARTED));
        clock.advance(Duration.ofMinutes(30));
        fleet.event(event("alive", "j2", JobEventType.BRANCH_STARTED));
        clock.advance(Duration.ofMinutes(31));
        fleet.sample(() -> 0);

        JsonNode json = fleet.json();
        assertThat(json.get("workers")).hasSize(1);
        assertThat(json.get("workers").get(0).get("workerId").asText()).isEqualTo("alive");
        assertThat(json.get("samples").get(0).get("running").asInt()).isEqualTo(1);
    }

    @Test
    void forgets_a_branch_running_longer_than_the_history_and_moves_a_branch_a_worker_took_over() {
        fleet.event(event("w1", "j1", JobEventType.BRANCH_STARTED));
        fleet.event(event("w2", "j1", JobEventType.BRANCH_STARTED));
        assertThat(running("w1")).as("taken over by w2").isZero();
        assertThat(running("w2")).isEqualTo(1);
        clock.advance(Duration.ofMinutes(61));
        fleet.event(event("w2", "j2", JobEventType.BRANCH_RETRYING));
        fleet.sample(() -> 0);

        assertThat(running("w2")).as("j1's result never came").isZero();
    }

    @Test
    void keeps_at_most_max_workers_dropping_the_least_recently_seen() {
        for (int i = 0; i <= MAX_WORKERS; i++) {
            clock.advance(Duration.ofMillis(1));
            fleet.event(event("w" + i, "j" + i, JobEventType.BRANCH_STARTED));
        }

        JsonNode workers = fleet.json().get("workers");
        assertThat(workers).hasSize(MAX_WORKERS);
        workers.forEach(w -> assertThat(w.get("workerId").asText()).isNotEqualTo("w0"));
    }

    private int running(String worker) {
        for (JsonNode row : fleet.json().get("workers")) {
            if (row.get("workerId").asText().equals(worker)) {
                return row.get("running").asInt();
            }
        }
        throw new AssertionError("no worker " + worker);
    }

    @Test
    void a_worker_dated_in_the_future_is_seen_now_and_forgotten_like_any_other() {
        fleet.event(JobEvent.newBuilder(event("forged", "j1", JobEventType.BRANCH_RETRYING))
                .setAt(java.time.Instant.parse("9999-01-01T00:00:00Z")).build());

        assertThat(fleet.json().get("workers").get(0).get("lastSeen").asText())
                .isEqualTo(JobFixtures.T0.toString());
        clock.advance(Duration.ofMinutes(61));
        fleet.event(event("real", "j2", JobEventType.BRANCH_RETRYING));
        fleet.sample(() -> 0);
        assertThat(fleet.json().get("workers").findValuesAsText("workerId")).containsExactly("real");
    }

    @Test
    void keeps_at_most_max_kept_branches_running_dropping_the_longest_running() {
        FleetStats few = new FleetStats(clock, io.braid.orchestrator.ConsoleSettings.builder().maxKeptBranches(2_000)
                .build());
        for (int i = 0; i < 2_010; i++) {
            clock.advance(Duration.ofMillis(1));
            few.event(event("w", "job-" + i, JobEventType.BRANCH_STARTED));
        }

        assertThat(few.json().get("workers").get(0).get("running").asInt()).isEqualTo(2_000);
    }
}

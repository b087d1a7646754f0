package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.braid.orchestrator.ConsoleSettings;
import io.braid.schema.BranchError;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobManifest;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console's index of recent jobs: bounded, following a branch through its states and a replay's round. */
class JobIndexTest {

    private static final Instant T0 = JobFixtures.T0;

    private final JobIndex index = new JobIndex(ConsoleSettings.builder().maxJobs(3).maxBranches(2)
            .maxKeptBranches(5).maxDeadLetters(10).maxStreams(4).maxOutputChars(100).build(),
            new FleetStats(new ManualClock(T0), ConsoleSettings.defaults()));

    private static JobEvent event(String jobId, int round, JobEventType type, String branch, BranchStatus status,
                                  long atMs) {
        return JobEvent.newBuilder().setJobId(jobId).setRound(round).setType(type).setBranchId(branch)
                .setBranchStatus(status).setWorkerId(branch == null ? null : "worker-1").setAttempt(1)
                .setAt(T0.plusMillis(atMs)).build();
    }

    @Test
    void keeps_at_most_max_jobs_dropping_the_least_recently_changed() {
        for (String id : List.of("a", "b", "c", "d")) {
            index.manifest(JobFixtures.manifest(id, "x"));
        }
        index.event(event("b", 1, JobEventType.BRANCH_STARTED, "x", null, 5));
        index.manifest(JobFixtures.manifest("e", "x"));

        assertThat(index.size()).isEqualTo(3);
        assertThat(index.timeline("a")).isEmpty();
        assertThat(index.timeline("c")).isEmpty();
        assertThat(index.timeline("b")).isPresent();
        assertThat(index.timeline("e")).isPresent();
    }

    @Test
    void keeps_at_most_max_kept_branches_over_all_jobs_dropping_the_least_recently_changed() {
        index.manifest(JobFixtures.manifest("one", "x", "y"));
        index.manifest(JobFixtures.manifest("two", "x", "y"));
        index.manifest(JobFixtures.manifest("three", "x", "y"));

        assertThat(index.timeline("one")).as("6 branches kept would pass 5").isEmpty();
        assertThat(index.timeline("two")).isPresent();
        assertThat(index.timeline("three")).isPresent();
    }

    @Test
    void keeps_at_most_max_branches_per_job_and_counts_the_rest() {
        index.manifest(JobFixtures.manifest("wide", "b1", "b2", "b3", "b4"));

        JsonNode timeline = index.timeline("wide").orElseThrow();
        assertThat(timeline.get("branches")).hasSize(2);
        assertThat(timeline.get("branchesTotal").asInt()).isEqualTo(4);
        assertThat(timeline.get("branchesNotKept").asInt()).isEqualTo(2);
    }

    @Test
    void follows_a_branch_from_queued_to_running_to_finished_and_tells_followers() {
        List<String> told = new ArrayList<>();
        index.manifest(JobFixtures.manifest("j", "x"));
        Runnable stop = index.follow("j", (name, json) -> told.add(name));

        index.event(event("j", 1, JobEventType.BRANCH_STARTED, "x", null, 10));
        assertThat(state("j", "x")).isEqualTo("RUNNING");
        index.event(event("j", 1, JobEventType.BRANCH_FINISHED, "x", BranchStatus.FAILED, 50));
        assertThat(state("j", "x")).isEqualTo("FAILED");
        stop.run();
        index.event(event("j", 1, JobEventType.JOB_COMPLETED, null, null, 60));

        assertThat(told).containsExactly("branch", "job", "branch", "job");
    }

    @Test
    void a_replay_queues_the_failed_branches_again_in_the_next_round() {
        index.manifest(JobFixtures.manifest("r", "ok", "bad"));
        index.event(event("r", 1, JobEventType.BRANCH_FINISHED, "ok", BranchStatus.SUCCEEDED, 10));
        index.event(event("r", 1, JobEventType.BRANCH_FINISHED, "bad", BranchStatus.FAILED, 10));

        index.event(event("r", 2, JobEventType.JOB_REPLAYED, null, null, 100));

        JsonNode timeline = index.timeline("r").orElseThrow();
        assertThat(timeline.get("round").asInt()).isEqualTo(2);
        assertThat(timeline.get("status").asText()).isEqualTo("RUNNING");
        assertThat(state("r", "ok")).isEqualTo("SUCCEEDED");
        assertThat(state("r", "bad")).isEqualTo("QUEUED");
        index.event(event("r", 1, JobEventType.BRANCH_FINISHED, "bad", BranchStatus.FAILED, 120));
        assertThat(state("r", "bad")).as("a late event of round 1 changes nothing").isEqualTo("QUEUED");
    }

    @Test
    void a_second_job_or_a_refused_record_under_a_held_id_changes_nothing() {
        index.manifest(dispatched(JobFixtures.manifest("victim", "summary"), "braid.jobs-0@5", "acme"));
        String before = index.timeline("victim").orElseThrow().toString();

        index.manifest(JobManifest.newBuilder(dispatched(JobFixtures.manifest("victim"), "braid.jobs-0@99", null))
                .setRejection(new BranchError("InvalidJob", "attacker-chosen text", false)).build());
        index.manifest(dispatched(JobFixtures.manifest("victim", "INJECTED"), "braid.jobs-0@100", "mallory"));
        index.event(event("victim", 1, JobEventType.BRANCH_STARTED, "INJECTED", null, 10));

        assertThat(index.timeline("victim").orElseThrow().toString()).isEqualTo(before);
        assertThat(index.list(null, "acme", null, null, 10)).hasSize(1);
    }

    @Test
    void the_same_manifest_dispatched_again_is_taken_and_events_made_before_it_for_other_branches_are_dropped() {
        index.event(event("j", 1, JobEventType.BRANCH_STARTED, "x", null, 5));
        index.event(event("j", 1, JobEventType.BRANCH_STARTED, "other-job-branch", null, 5));
        JobManifest manifest = dispatched(JobFixtures.manifest("j", "x"), "braid.jobs-0@7", "acme");
        index.manifest(manifest);
        index.manifest(manifest);

        JsonNode timeline = index.timeline("j").orElseThrow();
        assertThat(timeline.get("branches")).hasSize(1);
        assertThat(state("j", "x")).isEqualTo("RUNNING");
        assertThat(timeline.get("tenant").asText()).isEqualTo("acme");
    }

    private static JobManifest dispatched(JobManifest manifest, String dispatchId, String tenant) {
        return JobManifest.newBuilder(manifest).setDispatchId(dispatchId)
                .setMetadata(tenant == null ? java.util.Map.of() : java.util.Map.of("tenant", tenant)).build();
    }

    @Test
    void cuts_every_string_it_keeps_and_marks_the_cut() {
        String huge = "t".repeat(1_000_000);
        index.manifest(dispatched(JobFixtures.manifest("big", "x"), "d@1", huge));
        index.event(JobEvent.newBuilder(event("big", 1, JobEventType.BRANCH_FINISHED, "x", BranchStatus.FAILED, 5))
                .setWorkerId(huge).setMessage(huge).build());

        JsonNode timeline = index.timeline("big").orElseThrow();
        assertThat(timeline.get("tenant").asText()).hasSize(ConsoleSettings.DEFAULT_MAX_NAME_CHARS + 1).endsWith(Cut.MARK);
        JsonNode branch = timeline.get("branches").get(0);
        assertThat(branch.get("workerId").asText()).hasSize(ConsoleSettings.DEFAULT_MAX_NAME_CHARS + 1).endsWith(Cut.MARK);
        assertThat(branch.get("message").asText()).as("cut at --console-max-output-chars")
                .hasSize(101).endsWith(Cut.MARK);
    }

    @Test
    void filters_by_status_and_id_text() {
        index.manifest(JobFixtures.manifest("alpha-1", "x"));
        index.manifest(JobFixtures.manifest("beta-2", "x"));

        assertThat(index.list(null, null, null, "ALPHA", 10)).hasSize(1);
        assertThat(index.list("RUNNING", null, null, null, 10)).hasSize(2);
        assertThat(index.list("FAILED", null, null, null, 10)).isEmpty();
    }

    @Test
    void settings_out_of_range_are_refused_naming_the_option() {
        assertThatThrownBy(() -> ConsoleSettings.defaults().withMaxJobs(0))
                .hasMessageContaining("--console-max-jobs");
        assertThatThrownBy(() -> ConsoleSettings.defaults().withHistory(Duration.ofDays(30)))
                .hasMessageContaining("--console-history");
        assertThatThrownBy(() -> ConsoleSettings.defaults().withMaxOutputChars(10))
                .hasMessageContaining("--console-max-output-chars");
        assertThatThrownBy(() -> ConsoleSettings.builder().maxBranches(100).maxKeptBranches(50).build())
                .hasMessageContaining("--console-max-kept-branches");
        assertThatThrownBy(() -> ConsoleSettings.builder().maxNameChars(1).build())
                .hasMessageContaining("--console-max-name-chars");
        assertThatThrownBy(() -> ConsoleSettings.builder().streamLifetime(Duration.ZERO).build())
                .hasMessageContaining("--console-stream-lifetime");
        assertThatThrownBy(() -> ConsoleSettings.builder().maxStreamsPerToken(0).build())
                .hasMessageContaining("--console-max-streams-per-token");
        assertThatThrownBy(() -> ConsoleSettings.builder().streamQueue(0).build())
                .hasMessageContaining("--console-stream-queue");
        assertThatThrownBy(() -> ConsoleSettings.builder().maxWorkers(0).build())
                .hasMessageContaining("--console-max-workers");
        assertThatThrownBy(() -> ConsoleSettings.builder().maxModels(0).build())
                .hasMessageContaining("--console-max-models");
        assertThatThrownBy(() -> ConsoleSettings.builder().maxRows(0).build())
                .hasMessageContaining("--console-max-rows");
        assertThatThrownBy(() -> ConsoleSettings.builder().forwardTimeout(Duration.ofHours(1)).build())
                .hasMessageContaining("--forward-timeout");
        assertThatThrownBy(() -> ConsoleSettings.builder().maxForwardBytes(10).build())
                .hasMessageContaining("--max-forward-bytes");
    }

    private String state(String jobId, String branchId) {
        for (JsonNode branch : index.timeline(jobId).orElseThrow().get("branches")) {
            if (branch.get("branchId").asText().equals(branchId)) {
                return branch.get("state").asText();
            }
        }
        throw new AssertionError("no branch " + branchId);
    }
}

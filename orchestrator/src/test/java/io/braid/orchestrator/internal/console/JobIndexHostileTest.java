package io.braid.orchestrator.internal.console;

import io.braid.orchestrator.ConsoleSettings;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records on the events topic from anyone who may write it: ids Braid could not have made are skipped whole (and
 * counted), and a piece of streamed output reaches a job's page only from the worker running that branch, cut.
 */
class JobIndexHostileTest {

    private static final int OUTPUT_CHARS = 100;

    private final JobIndex index = new JobIndex(ConsoleSettings.builder().maxOutputChars(OUTPUT_CHARS).build(),
            new FleetStats(new ManualClock(JobFixtures.T0), ConsoleSettings.defaults()));
    private final List<String> told = new ArrayList<>();

    private static JobEvent.Builder event(String jobId, JobEventType type, String branchId) {
        return JobEvent.newBuilder().setJobId(jobId).setRound(1).setType(type).setBranchId(branchId)
                .setWorkerId("worker-1").setAttempt(1).setAt(JobFixtures.T0);
    }

    @Test
    void events_with_ids_longer_than_braid_makes_are_skipped_whole_and_counted() {
        index.event(event("j".repeat(JobIndex.MAX_JOB_ID_CHARS + 1), JobEventType.BRANCH_STARTED, "b").build());
        index.event(event("j", JobEventType.BRANCH_STARTED, "b".repeat(101)).build());
        index.event(event("j".repeat(4_000_000), JobEventType.JOB_DISPATCHED, null).build());

        assertThat(index.size()).isZero();
        assertThat(index.skipped()).isEqualTo(3);
        index.event(event("j/b@1", JobEventType.BRANCH_STARTED, "b").build());
        assertThat(index.size()).as("a child job's id is Braid's").isEqualTo(1);
    }

    @Test
    void streamed_output_reaches_the_page_only_from_the_worker_running_that_branch_and_cut() {
        index.manifest(JobFixtures.manifest("j", "running", "queued"));
        index.event(event("j", JobEventType.BRANCH_STARTED, "running").build());
        index.follow("j", (name, json) -> {
            if (name.equals("partial")) {
                told.add(json);
            }
        });

        index.event(event("j", JobEventType.BRANCH_OUTPUT, "queued").setMessage("not started").build());
        index.event(event("j", JobEventType.BRANCH_OUTPUT, "nope").setMessage("no such branch").build());
        index.event(event("j", JobEventType.BRANCH_OUTPUT, "running").setWorkerId("worker-2")
                .setMessage("another worker").build());
        index.event(event("j", JobEventType.BRANCH_OUTPUT, "running").setRound(2).setMessage("another round")
                .build());
        index.event(event("other", JobEventType.BRANCH_OUTPUT, "running").setMessage("another job").build());
        assertThat(told).isEmpty();

        index.event(event("j", JobEventType.BRANCH_OUTPUT, "running").setMessage("x".repeat(10_000)).build());
        assertThat(told).singleElement().satisfies(json -> assertThat(json)
                .contains("\"branchId\":\"running\"", "x".repeat(OUTPUT_CHARS) + Cut.MARK)
                .doesNotContain("x".repeat(OUTPUT_CHARS + 1)));
    }
}

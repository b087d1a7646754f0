package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;
import io.braid.orchestrator.internal.dispatch.FanOut;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobEventType;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.braid.testing.JobFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The join's window over a job's tasks, as a pure function: what it publishes per result, and what it does not. */
class JoinWindowTest {

    static final JoinSettings SETTINGS = JoinSettings.defaults();

    /** The manifest the dispatcher writes for {@code job} with the fleet default window {@code defaultWindow}. */
    static FanOut dispatched(JobRequest job, Integer defaultWindow) {
        return FanOut.of(job, T0, T0, "braid.jobs-0@1", defaultWindow);
    }

    static BranchResult result(String jobId, String branchId, BranchStatus status) {
        BranchResult result = JobFixtures.result(jobId, branchId, status, status == BranchStatus.SUCCEEDED ? "ok"
                : null);
        result.setDispatchId("braid.jobs-0@1");
        return result;
    }

    static JobJoin.Step apply(JobJoinState state, Object input) {
        JoinInput joinInput = switch (input) {
            case JobManifest m -> new JoinInput.Manifest(m);
            case BranchResult r -> new JoinInput.Result(r);
            case JobControl c -> new JoinInput.Control(c);
            default -> throw new IllegalArgumentException(String.valueOf(input));
        };
        return JobJoin.apply(state, joinInput, T0.plusSeconds(1), SETTINGS);
    }

    @Test
    void each_first_result_publishes_the_next_task_and_the_window_is_never_exceeded() {
        JobRequest job = JobFixtures.llmJob("w1", 10);
        job.setMaxConcurrency(3);
        FanOut fanOut = dispatched(job, 256);
        assertThat(fanOut.manifest().getMaxConcurrency()).isEqualTo(3);
        assertThat(fanOut.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b1", "b2", "b3");
        assertThat(fanOut.laterTasks()).hasSize(7);

        JobJoin.Step step = apply(JobJoin.empty("w1"), fanOut.manifest());
        assertThat(step.tasks()).isEmpty();
        List<String> published = new ArrayList<>(List.of("b1", "b2", "b3"));
        Set<String> finished = new HashSet<>();
        JobJoinState state = step.state();
        for (int i = 0; i < 10; i++) {
            String next = published.get(i);
            step = apply(state, result("w1", next, BranchStatus.SUCCEEDED));
            finished.add(next);
            step.tasks().forEach(t -> published.add(t.getBranch().getBranchId()));
            assertThat(step.tasks()).as("tasks published for the result of " + next).hasSizeLessThanOrEqualTo(1);
            assertThat(published.size() - finished.size()).as("queued or running").isLessThanOrEqualTo(3);
            state = step.state();
        }
        assertThat(published).containsExactly("b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10");
        assertThat(step.completed()).hasValueSatisfying(r -> assertThat(r.getCompletedBy()).isEqualTo("ALL"));
    }

    @Test
    void a_duplicate_result_publishes_nothing_more() {
        JobRequest job = JobFixtures.llmJob("w2", 5);
        JobJoinState state = apply(JobJoin.empty("w2"), dispatched(job, 2).manifest()).state();

        JobJoin.Step first = apply(state, result("w2", "b1", BranchStatus.FAILED));
        JobJoin.Step again = apply(first.state(), result("w2", "b1", BranchStatus.FAILED));
        JobJoin.Step success = apply(again.state(), result("w2", "b1", BranchStatus.SUCCEEDED));

        assertThat(first.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b3");
        assertThat(again.tasks()).isEmpty();
        assertThat(success.tasks()).as("a retry's success is not a new finish").isEmpty();
        assertThat(success.state().getPublishedTasks()).isEqualTo(3);
    }

    @Test
    void results_before_the_manifest_free_their_places_when_it_comes() {
        JobRequest job = JobFixtures.llmJob("w3", 6);
        JobJoinState state = apply(JobJoin.empty("w3"), result("w3", "b1", BranchStatus.SUCCEEDED)).state();
        state = apply(state, result("w3", "b2", BranchStatus.SUCCEEDED)).state();

        JobJoin.Step step = apply(state, dispatched(job, 2).manifest());

        assertThat(step.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b3", "b4");
    }

    @Test
    void child_jobs_are_dispatched_at_once_outside_the_window() {
        JobRequest job = JobFixtures.llmJob("w4", 3);
        job.setBranches(new ArrayList<>(job.getBranches()));
        job.getBranches().add(io.braid.schema.BranchSpec.newBuilder().setBranchId("child")
                .setKind(io.braid.schema.BranchKind.JOB)
                .setJob("{\"branches\": [{\"branchId\": \"x\", \"kind\": \"LLM\", \"llm\": {\"userPrompt\": \"p\"}}]}")
                .build());
        job.setMaxConcurrency(1);

        FanOut fanOut = dispatched(job, null);

        assertThat(fanOut.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b1");
        assertThat(fanOut.childJobs()).hasSize(1);
        JobJoinState state = apply(JobJoin.empty("w4"), fanOut.manifest()).state();
        JobJoin.Step childDone = apply(state, childResult("w4", "child"));
        assertThat(childDone.tasks()).as("a child job's result frees no task's place").isEmpty();
    }

    private static BranchResult childResult(String jobId, String branchId) {
        BranchResult result = result(jobId, branchId, BranchStatus.SUCCEEDED);
        result.setWorkerId(JoinAdmission.CHILD_WORKER_PREFIX + jobId + "/" + branchId);
        return result;
    }

    @Test
    void a_replay_publishes_its_branches_a_window_at_a_time() {
        JobRequest job = JobFixtures.llmJob("w5", 5);
        JobJoinState state = apply(JobJoin.empty("w5"), dispatched(job, 2).manifest()).state();
        List<String> order = List.of("b1", "b2", "b3", "b4", "b5");
        for (String branch : order) {
            state = apply(state, result("w5", branch, BranchStatus.FAILED)).state();
        }
        assertThat(state.getCompletedRound()).isEqualTo(1);

        JobJoin.Step replay = apply(state, JobControl.newBuilder().setJobId("w5").setRound(0)
                .setAction(ControlAction.REPLAY).setReason("again").setAt(T0).build());

        assertThat(replay.tasks()).extracting(BranchTask::getRound).containsOnly(2);
        assertThat(replay.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b1", "b2");
        BranchResult again = result("w5", "b1", BranchStatus.SUCCEEDED);
        again.setRound(2);
        JobJoin.Step next = apply(replay.state(), again);
        assertThat(next.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b3");
        assertThat(next.tasks()).extracting(BranchTask::getRound).containsOnly(2);
        assertThat(replay.events()).extracting(e -> e.getType()).containsExactly(JobEventType.JOB_REPLAYED);
    }

    @Test
    void the_jobs_hedge_is_folded_into_branches_without_one_in_tasks_and_specs() {
        JobRequest job = JobFixtures.llmJob("w6", 3);
        job.setHedge(io.braid.schema.Hedge.newBuilder().setAfterMs(500L).build());
        job.getBranches().get(1).setHedge(io.braid.schema.Hedge.newBuilder().setAfterMs(9L).setModel("m2").build());
        job.setMaxConcurrency(1);

        FanOut fanOut = dispatched(job, null);

        assertThat(fanOut.tasks().get(0).getBranch().getHedge().getAfterMs()).isEqualTo(500L);
        JobJoinState state = apply(JobJoin.empty("w6"), fanOut.manifest()).state();
        JobJoin.Step step = apply(state, result("w6", "b1", BranchStatus.SUCCEEDED));
        assertThat(step.tasks().get(0).getBranch().getHedge().getModel()).as("the branch's own hedge").isEqualTo("m2");
        step = apply(step.state(), result("w6", "b2", BranchStatus.SUCCEEDED));
        assertThat(step.tasks().get(0).getBranch().getHedge().getAfterMs()).isEqualTo(500L);
    }
}

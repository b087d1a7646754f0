package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.TokenUsage;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.braid.orchestrator.internal.aggregate.JoinWindowTest.apply;
import static io.braid.orchestrator.internal.aggregate.JoinWindowTest.dispatched;
import static io.braid.orchestrator.internal.aggregate.JoinWindowTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/** Inputs that try to widen a job's window, replay a branch twice or break its spend; the join holds. */
class HostileWindowTest {

    @Test
    void a_result_for_a_branch_not_yet_published_does_not_widen_the_window() {
        JobRequest job = JobFixtures.llmJob("hw1", 5);
        JobJoinState state = apply(JobJoin.empty("hw1"), dispatched(job, 2).manifest()).state();

        JobJoin.Step early = apply(state, result("hw1", "b5", BranchStatus.SUCCEEDED));
        assertThat(early.tasks()).as("b5 was never published: its result frees no place").isEmpty();

        List<String> published = new ArrayList<>(List.of("b1", "b2"));
        JobJoin.Step step = apply(early.state(), result("hw1", "b1", BranchStatus.SUCCEEDED));
        step.tasks().forEach(t -> published.add(t.getBranch().getBranchId()));
        step = apply(step.state(), result("hw1", "b2", BranchStatus.SUCCEEDED));
        step.tasks().forEach(t -> published.add(t.getBranch().getBranchId()));
        assertThat(published).containsExactly("b1", "b2", "b3", "b4");
        assertThat(step.state().getPublishedTasks() - step.state().getFinishedTasks()).isEqualTo(2);

        step = apply(step.state(), result("hw1", "b3", BranchStatus.SUCCEEDED));
        assertThat(step.tasks()).as("b5 already has its result").isEmpty();
        step = apply(step.state(), result("hw1", "b4", BranchStatus.SUCCEEDED));
        assertThat(step.completed()).hasValueSatisfying(r -> assertThat(r.getCompletedBy()).isEqualTo("ALL"));
    }

    @Test
    void a_replay_naming_a_branch_twice_runs_it_once_and_the_round_completes() {
        JobRequest job = JobFixtures.llmJob("hw2", 2);
        job.setMaxConcurrency(1);
        JobJoinState state = apply(JobJoin.empty("hw2"), dispatched(job, null).manifest()).state();
        state = apply(state, result("hw2", "b1", BranchStatus.FAILED)).state();
        state = apply(state, result("hw2", "b2", BranchStatus.FAILED)).state();

        JobJoin.Step replay = apply(state, JobControl.newBuilder().setJobId("hw2").setRound(0)
                .setAction(ControlAction.REPLAY).setReason("again").setBranches(List.of("b1", "b1", "b2"))
                .setAt(JobFixtures.T0).build());
        assertThat(replay.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b1");

        JobJoin.Step next = apply(replay.state(), inRound2("hw2", "b1"));
        assertThat(next.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b2");
        JobJoin.Step done = apply(next.state(), inRound2("hw2", "b2"));
        assertThat(done.completed()).hasValueSatisfying(r -> assertThat(r.getRound()).isEqualTo(2));
    }

    @Test
    void huge_costs_neither_make_the_spend_infinite_nor_reach_the_result() {
        JobRequest job = JobFixtures.llmJob("hw3", 2);
        JobJoinState state = apply(JobJoin.empty("hw3"), dispatched(job, null).manifest()).state();

        JobJoin.Step step = apply(state, costing("hw3", "b1", 1e308));
        step = apply(step.state(), costing("hw3", "b2", 1e308));

        JobResult result = step.completed().orElseThrow();
        assertThat(result.getUsage().getCost()).as("no price table yields such a cost").isNull();
        assertThat(result.getBranches()).allSatisfy(b -> assertThat(b.getCost()).isNull());
        assertThat(step.state().getSpent().getCost()).isNull();
    }

    @Test
    void the_same_manifest_again_gives_no_spend_back() {
        JobRequest job = JobFixtures.llmJob("hw4", 3);
        var manifest = dispatched(job, null).manifest();
        JobJoinState state = apply(JobJoin.empty("hw4"), manifest).state();
        BranchResult failed = costing("hw4", "b1", 0.5);
        failed.setStatus(BranchStatus.FAILED);
        state = apply(state, failed).state();
        state = apply(state, costing("hw4", "b1", 0.25)).state(); // the success replaces the failure
        assertThat(state.getSpent().getCost()).isEqualTo(0.75);

        JobJoinState again = apply(state, manifest).state();

        assertThat(again.getSpent().getCost()).as("both calls were billed").isEqualTo(0.75);
    }

    @Test
    void the_larger_spend_takes_each_part_from_either_side_when_the_other_has_none() {
        io.braid.schema.JobUsage priced = new io.braid.schema.JobUsage(5L, 1L, 0.5);
        io.braid.schema.JobUsage unpriced = new io.braid.schema.JobUsage(3L, 9L, null);

        assertThat(Spend.larger(priced, unpriced)).isEqualTo(new io.braid.schema.JobUsage(5L, 9L, 0.5));
        assertThat(Spend.larger(unpriced, priced)).isEqualTo(new io.braid.schema.JobUsage(5L, 9L, 0.5));
        assertThat(Spend.larger(unpriced, unpriced).getCost()).isNull();
    }

    private static BranchResult costing(String jobId, String branchId, double cost) {
        BranchResult result = result(jobId, branchId, BranchStatus.SUCCEEDED);
        result.setUsage(new TokenUsage(10, 10));
        result.setCost(cost);
        return result;
    }

    private static BranchResult inRound2(String jobId, String branchId) {
        BranchResult result = result(jobId, branchId, BranchStatus.SUCCEEDED);
        result.setRound(2);
        return result;
    }
}

package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.internal.dispatch.FanOut;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.Budget;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobEventType;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.TokenUsage;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import static io.braid.orchestrator.internal.aggregate.JoinWindowTest.apply;
import static io.braid.orchestrator.internal.aggregate.JoinWindowTest.dispatched;
import static io.braid.orchestrator.internal.aggregate.JoinWindowTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/** Budgets, usage sums and tolerated failures in the join, as a pure function. */
class JoinBudgetTest {

    private static BranchResult costing(String jobId, String branchId, BranchStatus status, int tokens, Double cost) {
        BranchResult result = result(jobId, branchId, status);
        result.setUsage(new TokenUsage(tokens / 2, tokens - tokens / 2));
        result.setCost(cost);
        result.setHedgedCalls(1);
        return result;
    }

    @Test
    void a_spent_token_budget_ends_the_job_by_budget_and_publishes_no_more_tasks() {
        JobRequest job = JobFixtures.llmJob("bud1", 6);
        job.setMaxConcurrency(2);
        job.setBudget(Budget.newBuilder().setTokens(100L).build());
        JobJoinState state = apply(JobJoin.empty("bud1"), dispatched(job, null).manifest()).state();

        JobJoin.Step first = apply(state, costing("bud1", "b1", BranchStatus.SUCCEEDED, 60, null));
        JobJoin.Step second = apply(first.state(), costing("bud1", "b2", BranchStatus.SUCCEEDED, 60, null));

        assertThat(first.tasks()).hasSize(1);
        assertThat(first.completed()).isEmpty();
        assertThat(second.tasks()).as("no new branch once spent").isEmpty();
        JobResult result = second.completed().orElseThrow();
        assertThat(result.getCompletedBy()).isEqualTo("BUDGET");
        assertThat(result.getStatus()).isEqualTo(JobStatus.PARTIAL);
        assertThat(result.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("b1=SUCCEEDED", "b2=SUCCEEDED", "b3=CANCELLED", "b4=CANCELLED", "b5=CANCELLED",
                        "b6=CANCELLED");
        assertThat(result.getUsage().getInputTokens() + result.getUsage().getOutputTokens()).isEqualTo(120);

        JobJoin.Step late = apply(second.state(), costing("bud1", "b3", BranchStatus.SUCCEEDED, 60, null));
        assertThat(late.completed()).isEmpty();
        assertThat(late.tasks()).isEmpty();
        assertThat(late.state()).isSameAs(second.state());
    }

    @Test
    void a_spent_cost_budget_with_nothing_succeeded_ends_failed() {
        JobRequest job = JobFixtures.llmJob("bud2", 4);
        job.setBudget(Budget.newBuilder().setCost(0.10).build());
        JobJoinState state = apply(JobJoin.empty("bud2"), dispatched(job, null).manifest()).state();

        JobJoin.Step step = apply(state, costing("bud2", "b1", BranchStatus.FAILED, 10, 0.04));
        step = apply(step.state(), costing("bud2", "b2", BranchStatus.FAILED, 10, 0.07));

        JobResult result = step.completed().orElseThrow();
        assertThat(result.getCompletedBy()).isEqualTo("BUDGET");
        assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(result.getUsage().getCost()).isCloseTo(0.11, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void a_redelivered_result_is_counted_once() {
        JobRequest job = JobFixtures.llmJob("bud3", 3);
        job.setBudget(Budget.newBuilder().setTokens(100L).build());
        JobJoinState state = apply(JobJoin.empty("bud3"), dispatched(job, null).manifest()).state();
        BranchResult failed = costing("bud3", "b1", BranchStatus.FAILED, 60, null);

        JobJoin.Step step = apply(state, failed);
        step = apply(step.state(), BranchResult.newBuilder(failed).build());

        assertThat(step.completed()).isEmpty();
        assertThat(step.state().getSpent().getInputTokens() + step.state().getSpent().getOutputTokens())
                .isEqualTo(60);
    }

    @Test
    void the_job_result_sums_usage_and_cost_and_outcomes_carry_them() {
        JobRequest job = JobFixtures.llmJob("sum1", 2);
        JobJoinState state = apply(JobJoin.empty("sum1"), dispatched(job, null).manifest()).state();

        JobJoin.Step step = apply(state, costing("sum1", "b1", BranchStatus.SUCCEEDED, 10, 0.5));
        step = apply(step.state(), costing("sum1", "b2", BranchStatus.SUCCEEDED, 20, 0.25));

        JobResult result = step.completed().orElseThrow();
        assertThat(result.getUsage().getInputTokens()).isEqualTo(15);
        assertThat(result.getUsage().getOutputTokens()).isEqualTo(15);
        assertThat(result.getUsage().getCost()).isEqualTo(0.75);
        assertThat(result.getBranches()).extracting(BranchOutcome::getCost).containsExactly(0.5, 0.25);
        assertThat(result.getBranches()).extracting(BranchOutcome::getHedgedCalls).containsExactly(1, 1);
    }

    @Test
    void a_replay_of_a_job_whose_budget_is_spent_is_rejected_saying_so() {
        JobRequest job = JobFixtures.llmJob("bud4", 3);
        job.setBudget(Budget.newBuilder().setTokens(50L).build());
        JobJoinState state = apply(JobJoin.empty("bud4"), dispatched(job, null).manifest()).state();
        state = apply(state, costing("bud4", "b1", BranchStatus.FAILED, 60, null)).state();
        assertThat(state.getCompletedBy()).isEqualTo("BUDGET");

        JobJoin.Step replay = apply(state, JobControl.newBuilder().setJobId("bud4").setRound(0)
                .setAction(ControlAction.REPLAY).setReason("again").setAt(JobFixtures.T0).build());

        assertThat(replay.tasks()).isEmpty();
        assertThat(replay.events()).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo(JobEventType.REPLAY_REJECTED);
            assertThat(e.getMessage()).contains("budget (50 tokens) is spent");
        });
    }

    @Test
    void more_failures_than_tolerated_end_the_job_failed_at_once_and_cancel_the_rest() {
        JobRequest job = JobFixtures.llmJob("tol1", 5);
        job.setCompletion(CompletionPolicy.newBuilder().setToleratedFailures(1).build());
        JobJoinState state = apply(JobJoin.empty("tol1"), dispatched(job, null).manifest()).state();

        JobJoin.Step step = apply(state, result("tol1", "b1", BranchStatus.SUCCEEDED));
        step = apply(step.state(), result("tol1", "b2", BranchStatus.FAILED));
        assertThat(step.completed()).as("one failure is tolerated").isEmpty();
        step = apply(step.state(), result("tol1", "b3", BranchStatus.FAILED));

        JobResult result = step.completed().orElseThrow();
        assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(result.getCompletedBy()).isEqualTo("TOO_MANY_FAILURES");
        assertThat(result.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("b1=SUCCEEDED", "b2=FAILED", "b3=FAILED", "b4=CANCELLED", "b5=CANCELLED");
        assertThat(apply(step.state(), result("tol1", "b4", BranchStatus.FAILED)).completed()).isEmpty();
    }

    @Test
    void a_failure_percentage_counts_against_all_branches() {
        JobRequest job = JobFixtures.llmJob("tol2", 10);
        job.setCompletion(CompletionPolicy.newBuilder().setToleratedFailurePercent(20.0).build());
        JobJoinState state = apply(JobJoin.empty("tol2"), dispatched(job, null).manifest()).state();

        JobJoin.Step step = apply(state, result("tol2", "b1", BranchStatus.FAILED));
        step = apply(step.state(), result("tol2", "b2", BranchStatus.FAILED));
        assertThat(step.completed()).as("20 % of 10 is 2: tolerated").isEmpty();
        step = apply(step.state(), result("tol2", "b3", BranchStatus.FAILED));

        assertThat(step.completed()).hasValueSatisfying(r -> assertThat(r.getCompletedBy())
                .isEqualTo("TOO_MANY_FAILURES"));
    }

    @Test
    void a_result_with_negative_tokens_or_a_nan_cost_does_not_give_the_budget_back() {
        JobRequest job = JobFixtures.llmJob("bud5", 4);
        job.setBudget(Budget.newBuilder().setTokens(100L).setCost(1.0).build());
        JobJoinState state = apply(JobJoin.empty("bud5"), dispatched(job, null).manifest()).state();

        JobJoin.Step step = apply(state, costing("bud5", "b1", BranchStatus.SUCCEEDED, 60, 0.5));
        BranchResult hostile = costing("bud5", "b2", BranchStatus.SUCCEEDED, 0, Double.NaN);
        hostile.setUsage(new TokenUsage(-1_000, -1_000));
        step = apply(step.state(), hostile);
        step = apply(step.state(), costing("bud5", "b3", BranchStatus.SUCCEEDED, 40, 0.6));

        assertThat(step.completed()).hasValueSatisfying(r -> assertThat(r.getCompletedBy()).isEqualTo("BUDGET"));
        assertThat(step.state().getSpent().getCost()).isCloseTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(step.state().getSpent().getInputTokens() + step.state().getSpent().getOutputTokens())
                .isEqualTo(100);
    }
}

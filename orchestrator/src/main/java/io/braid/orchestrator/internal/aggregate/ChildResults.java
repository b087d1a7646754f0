package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.ErrorClass;

import io.braid.orchestrator.internal.dispatch.ChildJobs;
import io.braid.schema.BranchError;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobResult;

import java.util.ArrayList;
import java.util.List;

/** The aggregator's side of nested fan-out: a child job's result becomes its parent branch's result. */
final class ChildResults {

    private ChildResults() {
    }

    static boolean isChild(JobResult result) {
        return result.getParentJobId() != null && result.getMetadata().containsKey(ChildJobs.PARENT_BRANCH);
    }

    /**
     * The parent branch's result: SUCCEEDED with the child's output when the child SUCCEEDED, or ended PARTIAL
     * with an output (its own policy accepted what arrived); CANCELLED when it was cancelled; FAILED otherwise.
     */
    private static int clamp(long tokens) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, tokens));
    }

    static BranchResult asParentBranchResult(JobResult child) {
        boolean answered = child.getOutput() != null
                && (child.getStatus() == io.braid.schema.JobStatus.SUCCEEDED
                || child.getStatus() == io.braid.schema.JobStatus.PARTIAL);
        BranchStatus status = answered ? BranchStatus.SUCCEEDED
                : child.getStatus() == io.braid.schema.JobStatus.CANCELLED ? BranchStatus.CANCELLED
                : BranchStatus.FAILED;
        BranchResult.Builder result = BranchResult.newBuilder()
                .setJobId(child.getParentJobId())
                .setBranchId(child.getMetadata().get(ChildJobs.PARENT_BRANCH))
                .setRound(parentRound(child))
                .setStatus(status)
                .setOutput(answered ? child.getOutput() : null)
                .setAttempt(1)
                .setWorkerId(JoinAdmission.CHILD_WORKER_PREFIX + child.getJobId())
                .setDispatchId(child.getMetadata().get(ChildJobs.PARENT_DISPATCH))
                .setStartedAt(child.getSubmittedAt())
                .setFinishedAt(child.getCompletedAt());
        if (child.getUsage() != null) { // what the child spent is its parent branch's spend: budgets and sums see it
            result.setUsage(new io.braid.schema.TokenUsage(clamp(child.getUsage().getInputTokens()),
                    clamp(child.getUsage().getOutputTokens())));
            result.setCost(Spend.validCost(child.getUsage().getCost()));
        }
        if (status == BranchStatus.FAILED) {
            result.setError(new BranchError(ErrorClass.ChildJobFailed.name(), "child job " + child.getJobId() + " ended "
                    + child.getStatus() + " (by " + child.getCompletedBy() + ")"
                    + (child.getAggregationError() != null ? ": " + child.getAggregationError().getMessage() : ""),
                    false));
        }
        return result.build();
    }

    /** The parent round a child answers; 0 (no round, refused by the parent's join) when it cannot be read. */
    private static int parentRound(JobResult child) {
        try {
            return Integer.parseInt(child.getMetadata().getOrDefault(ChildJobs.PARENT_ROUND, "1"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The cancels a completed job sends: one for its own round (workers stop its branches) and one for each
     * child job it no longer needs, which the child's aggregator then completes as CANCELLED.
     */
    static List<JobControl> cancels(JobResult result) {
        List<JobControl> cancels = new ArrayList<>();
        String reason = "job " + result.getJobId() + " completed by " + result.getCompletedBy();
        cancels.add(JobControl.newBuilder().setJobId(result.getJobId()).setRound(result.getRound())
                .setAction(ControlAction.CANCEL).setReason(reason).setAt(result.getCompletedAt()).build());
        for (BranchOutcome branch : result.getBranches()) {
            if (branch.getKind() == BranchKind.JOB && isUnfinished(branch)) {
                cancels.add(JobControl.newBuilder()
                        .setJobId(ChildJobs.childJobId(result.getJobId(), branch.getBranchId(), result.getRound()))
                        .setRound(0).setAction(ControlAction.CANCEL).setReason(reason)
                        .setAt(result.getCompletedAt()).build());
            }
        }
        return cancels;
    }

    static boolean isUnfinished(BranchOutcome branch) {
        return branch.getStatus() == BranchStatus.CANCELLED || branch.getStatus() == BranchStatus.MISSING;
    }
}

package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.AggregationSpec;
import io.braid.schema.BranchError;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.CompletedBy;
import io.braid.schema.ErrorClass;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A completed round's JobResult, from its manifest and kept results: outcomes, status, output and usage. Pure. */
final class RoundResult {

    private RoundResult() {
    }

    static JobResult of(JobManifest manifest, Map<String, BranchResult> results, CompletedBy rule,
                            Instant now) {
        // Branches without a result: MISSING when the deadline ended the job, CANCELLED when the job ended early
        // (first success, quorum, fail-fast, a cancel) and they were no longer needed.
        BranchStatus unfinished = rule == CompletedBy.DEADLINE ? BranchStatus.MISSING : BranchStatus.CANCELLED;
        List<BranchOutcome> outcomes = outcomes(manifest, results, unfinished);
        long succeeded = outcomes.stream().filter(o -> o.getStatus() == BranchStatus.SUCCEEDED).count();
        AggregationSpec spec = manifest.getAggregation();
        String output = null;
        BranchError aggregationError = null;
        if (succeeded > 0) {
            FinalAggregation.Outcome aggregated = aggregate(manifest, outcomes, results, rule);
            output = aggregated.output();
            aggregationError = aggregated.error();
        }
        JobStatus status = status(rule, (int) succeeded, outcomes.size());
        if (aggregationError != null && status == JobStatus.SUCCEEDED) {
            status = JobStatus.PARTIAL;
        }
        return JobResult.newBuilder()
                .setJobId(manifest.getJobId())
                .setRound(manifest.getRound())
                .setStatus(status)
                .setCompletedBy(rule.name())
                .setAggregation(spec.getStrategy())
                .setOutput(output)
                .setAggregationError(aggregationError)
                .setBranches(outcomes)
                .setSubmittedAt(manifest.getSubmittedAt())
                .setCompletedAt(now)
                .setMetadata(manifest.getMetadata())
                .setParentJobId(manifest.getParentJobId())
                .setRejection(manifest.getRejection())
                .setUsage(Spend.of(outcomes, results.get(FinalAggregation.BRANCH_ID)))
                .build();
    }

    /** The job's answer from its outcomes; an aggregation that throws is answered with its error, not thrown. */
    private static FinalAggregation.Outcome aggregate(JobManifest manifest, List<BranchOutcome> outcomes,
                                                      Map<String, BranchResult> results, CompletedBy rule) {
        AggregationSpec spec = manifest.getAggregation();
        try {
            return FinalAggregation.needsTask(spec)
                    ? FinalAggregation.finish(spec, outcomes, results.get(FinalAggregation.BRANCH_ID), rule)
                    : new FinalAggregation.Outcome(Aggregation.aggregate(spec, outcomes, manifest.getInputs()), null);
        } catch (RuntimeException | StackOverflowError e) {
            return new FinalAggregation.Outcome(null, new BranchError(ErrorClass.AggregationFailed.name(), spec.getStrategy()
                    + " could not aggregate the outputs: " + e, false));
        }
    }

    static List<BranchOutcome> outcomes(JobManifest manifest, Map<String, BranchResult> results,
                                                BranchStatus unfinished) {
        List<BranchOutcome> outcomes = new ArrayList<>();
        for (BranchRef branch : manifest.getBranches()) {
            outcomes.add(outcome(branch, results.get(branch.getBranchId()), unfinished));
        }
        return outcomes;
    }

    private static JobStatus status(CompletedBy rule, int succeeded, int total) {
        if (rule == CompletedBy.CANCELLED) {
            return JobStatus.CANCELLED;
        }
        if (rule == CompletedBy.TOO_MANY_FAILURES) {
            return JobStatus.FAILED;
        }
        if (succeeded == 0) {
            return JobStatus.FAILED;
        }
        boolean ruleMet = switch (rule) {
            case FIRST, QUORUM -> true;
            case ALL -> succeeded == total;
            case FAIL_FAST, DEADLINE, CANCELLED, REJECTED, BUDGET, TOO_MANY_FAILURES -> false;
        };
        return ruleMet ? JobStatus.SUCCEEDED : JobStatus.PARTIAL;
    }

    private static BranchOutcome outcome(BranchRef branch, BranchResult result, BranchStatus unfinished) {
        if (result == null) {
            return BranchOutcome.newBuilder().setBranchId(branch.getBranchId()).setKind(branch.getKind())
                    .setStatus(unfinished).build();
        }
        return BranchOutcome.newBuilder()
                .setBranchId(branch.getBranchId())
                .setKind(branch.getKind())
                .setStatus(result.getStatus())
                .setOutput(result.getOutput())
                .setError(result.getError())
                .setAttempt(result.getAttempt())
                .setWorkerId(result.getWorkerId())
                .setStartedAt(result.getStartedAt())
                .setFinishedAt(result.getFinishedAt())
                .setModel(result.getModel())
                .setUsage(result.getUsage())
                .setLatencyMs(result.getLatencyMs())
                .setProviderModel(result.getProviderModel())
                .setToolCalls(result.getToolCalls())
                .setCost(Spend.validCost(result.getCost()))
                .setHedgedCalls(result.getHedgedCalls())
                .build();
    }
}

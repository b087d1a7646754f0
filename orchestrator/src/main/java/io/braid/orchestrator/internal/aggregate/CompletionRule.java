package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchRef;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.CompletedBy;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.FailurePolicy;
import io.braid.schema.JobManifest;

import java.util.Map;
import java.util.Optional;

/** Decides whether a job is complete from its manifest and the results kept so far. */
public final class CompletionRule {

    private CompletionRule() {
    }

    /**
     * The rule that completes the job now (ALL, QUORUM, FIRST, FAIL_FAST), or empty while the job must wait for
     * more results.
     */
    public static Optional<CompletedBy> completedBy(JobManifest manifest, Map<String, BranchResult> results) {
        CompletionPolicy policy = manifest.getCompletion();
        int total = manifest.getBranches().size();
        if (cannotCompleteYet(policy, total, results.size())) {
            return Optional.empty();
        }
        int finished = 0;
        int succeeded = 0;
        for (BranchRef branch : manifest.getBranches()) {
            BranchResult result = results.get(branch.getBranchId());
            if (result != null) {
                finished++;
                if (result.getStatus() == BranchStatus.SUCCEEDED) {
                    succeeded++;
                }
            }
        }
        int failed = finished - succeeded;
        if (failed > 0 && policy.getOnBranchFailure() == FailurePolicy.FAIL_FAST) {
            return Optional.of(CompletedBy.FAIL_FAST);
        }
        switch (policy.getMode()) {
            case FIRST -> {
                if (succeeded > 0) {
                    return Optional.of(CompletedBy.FIRST);
                }
            }
            case QUORUM -> {
                int needed = policy.getQuorum() == null ? total : policy.getQuorum();
                if (succeeded >= needed) {
                    return Optional.of(CompletedBy.QUORUM);
                }
            }
            case ALL -> {
                // completes below, once every branch has finished
            }
        }
        return finished == total ? Optional.of(CompletedBy.ALL) : Optional.empty();
    }

    /**
     * True when fewer results are kept than any rule of {@code policy} needs, so the branches need not be walked:
     * without this, every result of a wide job walked all its branches. FIRST and FAIL_FAST may complete on any
     * one result, so they are always walked.
     */
    private static boolean cannotCompleteYet(CompletionPolicy policy, int total, int kept) {
        if (policy.getOnBranchFailure() == FailurePolicy.FAIL_FAST) {
            return false;
        }
        return switch (policy.getMode()) {
            case FIRST -> false;
            case QUORUM -> kept < Math.min(total, policy.getQuorum() == null ? total : policy.getQuorum());
            case ALL -> kept < total;
        };
    }
}

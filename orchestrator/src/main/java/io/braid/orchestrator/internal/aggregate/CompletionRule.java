package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.CompletedBy;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.FailurePolicy;

import java.util.Optional;

/**
 * Decides whether a job is complete from its completion policy and counts the join keeps as results arrive (so a
 * result costs no walk over a wide job's branches).
 */
public final class CompletionRule {

    private CompletionRule() {
    }

    /**
     * The rule that completes the job now (TOO_MANY_FAILURES, FAIL_FAST, FIRST, QUORUM, ALL), or empty while the job
     * must wait for more results.
     *
     * @param total     the job's branches
     * @param finished  branches with a kept result
     * @param succeeded of those, the ones that succeeded
     */
    public static Optional<CompletedBy> completedBy(CompletionPolicy policy, int total, int finished, int succeeded) {
        int failed = finished - succeeded;
        if (tooManyFailures(policy, total, failed)) {
            return Optional.of(CompletedBy.TOO_MANY_FAILURES);
        }
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
        return finished >= total ? Optional.of(CompletedBy.ALL) : Optional.empty();
    }

    /**
     * More branches failed than {@code toleratedFailures}, or than {@code toleratedFailurePercent} of the job's
     * branches (either, when both are set).
     */
    static boolean tooManyFailures(CompletionPolicy policy, int total, int failed) {
        Integer count = policy.getToleratedFailures();
        Double percent = policy.getToleratedFailurePercent();
        return count != null && failed > count
                || percent != null && total > 0 && failed * 100.0 > percent * total;
    }
}

package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.ErrorClass;

import io.braid.orchestrator.internal.dispatch.ChildJobs;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the join lets in, checked against its own state: the aggregator owns job ids and the links between jobs, so a
 * record that claims a job, a branch or a round the state does not know is refused (and dead-lettered) rather than
 * joined. Pure, like {@link JobJoin}.
 *
 * <ul>
 *   <li>The first manifest of an id claims it. Another round-1 manifest for a claimed id (a second job under the same
 *   id, or a rejected record carrying it) is refused; the same manifest dispatched again (at least once) is not.</li>
 *   <li>A manifest on the topic is always round 1: later rounds are opened inside the join by a replay.</li>
 *   <li>A branch result must name a branch of the manifest and its open round. The result of a JOB branch must come
 *   from that branch's own child job (the aggregator writes it); no other branch may claim to. It must come from
 *   the manifest's dispatch: the tasks of a second job submitted under a held id are not the first job's (a result
 *   without a dispatch id, from a worker older than dispatch ids, is taken).</li>
 * </ul>
 */
final class JoinAdmission {

    /** Prefix of the worker id on a branch result the aggregator made from a child job's result. */
    static final String CHILD_WORKER_PREFIX = "child job ";

    /** Why an input was refused. */
    record Refusal(ErrorClass errorClass, String reason) {
    }

    private JoinAdmission() {
    }

    /** Why {@code manifest} may not be joined into {@code state}; empty when it may. */
    static Optional<Refusal> refuse(JobJoinState state, JobManifest manifest) {
        if (manifest.getRound() != 1) {
            return Optional.of(new Refusal(ErrorClass.RefusedInput, "manifest of job '" + manifest.getJobId() + "' names round "
                    + manifest.getRound() + "; the dispatcher writes round 1 only (replays open rounds in the join)"));
        }
        JobManifest held = state.getManifest();
        if (held == null) {
            return Optional.empty();
        }
        if (held.getDispatchId() != null ? held.getDispatchId().equals(manifest.getDispatchId())
                : sameDispatch(held, manifest)) {
            return Optional.empty();
        }
        return Optional.of(new Refusal(ErrorClass.DuplicateJob, "job id '" + manifest.getJobId() + "' is held by a job "
                + "submitted at " + held.getSubmittedAt() + (held.getRejection() != null ? " (refused)" : "")
                + "; a job id is used once (until the finished job's retention passes): choose a new id"));
    }

    /** Why {@code result} may not be joined into a job whose manifest is {@code manifest}; empty when it may. */
    static Optional<String> refuse(JobManifest manifest, BranchResult result, boolean aggregating) {
        String branchId = result.getBranchId();
        if (result.getRound() != manifest.getRound()) {
            return Optional.of("result for round " + result.getRound() + " of job '" + manifest.getJobId()
                    + "', whose open round is " + manifest.getRound());
        }
        if (manifest.getDispatchId() != null && result.getDispatchId() != null
                && !manifest.getDispatchId().equals(result.getDispatchId())) {
            return Optional.of("result of dispatch " + result.getDispatchId() + " for job '" + manifest.getJobId()
                    + "', which is held by dispatch " + manifest.getDispatchId() + " (another job under the same id)");
        }
        if (FinalAggregation.BRANCH_ID.equals(branchId)) {
            return aggregating ? Optional.empty() : Optional.of("result for the final aggregation of job '"
                    + manifest.getJobId() + "', which is not aggregating");
        }
        BranchKind kind = ManifestIndex.of(manifest).kind(branchId);
        if (kind == null) {
            return Optional.of("result for branch '" + branchId + "', which job '" + manifest.getJobId()
                    + "' does not have");
        }
        String expectedChild = CHILD_WORKER_PREFIX + ChildJobs.childJobId(manifest.getJobId(), branchId,
                manifest.getRound());
        boolean fromChild = result.getWorkerId() != null && result.getWorkerId().startsWith(CHILD_WORKER_PREFIX);
        if (kind == BranchKind.JOB && !expectedChild.equals(result.getWorkerId())) {
            return Optional.of("result for JOB branch '" + branchId + "' of job '" + manifest.getJobId()
                    + "' not from its child job (" + result.getWorkerId() + ")");
        }
        if (kind != BranchKind.JOB && fromChild) {
            return Optional.of("result for " + kind + " branch '" + branchId + "' of job '" + manifest.getJobId()
                    + "' claims to come from a child job (" + result.getWorkerId() + ")");
        }
        return Optional.empty();
    }

    /** The results kept before the manifest came, split into those it admits and the reasons for the rest. */
    static Map<String, BranchResult> admitted(JobManifest manifest, Map<String, BranchResult> results,
                                              List<String> refusals) {
        Map<String, BranchResult> admitted = new HashMap<>();
        results.forEach((branchId, result) -> refuse(manifest, result, false).ifPresentOrElse(
                refusals::add, () -> admitted.put(branchId, result)));
        return admitted;
    }

    /**
     * Without dispatch ids (manifests of an older Braid): the same dispatch of the same job, equal but for when it
     * was dispatched (at least once dispatches again).
     */
    private static boolean sameDispatch(JobManifest a, JobManifest b) {
        return a.getRound() == b.getRound() && Objects.equals(a.getSubmittedAt(), b.getSubmittedAt())
                && Objects.equals(a.getBranches(), b.getBranches()) && Objects.equals(a.getInputs(), b.getInputs())
                && Objects.equals(a.getMetadata(), b.getMetadata()) && Objects.equals(a.getRejection(), b.getRejection())
                && Objects.equals(a.getParentJobId(), b.getParentJobId())
                && Objects.equals(String.valueOf(a.getSpecs()), String.valueOf(b.getSpecs()));
    }

    static List<String> none() {
        return new ArrayList<>();
    }
}

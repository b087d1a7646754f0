package io.braid.orchestrator.internal.dispatch;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchTask;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A job split into what the dispatcher writes: one manifest for the aggregator, one task per branch for the
 * workers, and one child job per JOB branch (a nested fan-out, dispatched in the same transaction).
 */
public record FanOut(JobManifest manifest, List<BranchTask> tasks, List<JobRequest> childJobs) {

    /**
     * Round 1 of {@code job}, dispatched at {@code now} as {@code dispatchId}; {@code receivedAt} stands in for a
     * missing submittedAt.
     */
    public static FanOut of(JobRequest job, Instant receivedAt, Instant now, String dispatchId) {
        Instant submittedAt = job.getSubmittedAt() != null ? job.getSubmittedAt() : receivedAt;
        int round = 1;
        JobManifest manifest = JobManifest.newBuilder()
                .setJobId(job.getJobId())
                .setRound(round)
                .setSubmittedAt(submittedAt)
                .setDispatchedAt(now)
                .setBranches(job.getBranches().stream()
                        .map(b -> new BranchRef(b.getBranchId(), b.getKind())).toList())
                .setCompletion(job.getCompletion())
                .setAggregation(job.getAggregation())
                .setMetadata(job.getMetadata())
                .setParentJobId(job.getParentJobId())
                .setSpecs(job.getBranches())
                .setInputs(job.getInputs())
                .setDispatchId(dispatchId)
                .build();
        List<BranchTask> tasks = job.getBranches().stream()
                .filter(branch -> branch.getKind() != BranchKind.JOB)
                .map((BranchSpec branch) -> BranchTask.newBuilder()
                        .setJobId(job.getJobId())
                        .setRound(round)
                        .setBranch(branch)
                        .setInputs(job.getInputs())
                        .setMetadata(job.getMetadata())
                        .setDispatchedAt(now)
                        .setDispatchId(dispatchId)
                        .build())
                .toList();
        List<JobRequest> childJobs = job.getBranches().stream()
                .filter(branch -> branch.getKind() == BranchKind.JOB)
                .map(branch -> {
                    JobRequest child = ChildJobs.child(job, branch, round);
                    java.util.Map<String, String> metadata = new java.util.HashMap<>(child.getMetadata());
                    metadata.put(ChildJobs.PARENT_DISPATCH, dispatchId);
                    return JobRequest.newBuilder(child).setSubmittedAt(now).setMetadata(metadata).build();
                })
                .toList();
        return new FanOut(manifest, tasks, childJobs);
    }

    /** {@code job}'s fan-out followed by those of its child jobs, depth first: everything one dispatch writes. */
    public static List<FanOut> tree(JobRequest job, Instant receivedAt, Instant now, String dispatchId) {
        List<FanOut> all = new ArrayList<>();
        addTree(of(job, receivedAt, now, dispatchId), now, all);
        return all;
    }

    private static void addTree(FanOut fanOut, Instant now, List<FanOut> all) {
        all.add(fanOut);
        for (JobRequest child : fanOut.childJobs()) {
            String branchId = child.getMetadata().get(ChildJobs.PARENT_BRANCH);
            addTree(of(child, now, now, fanOut.manifest().getDispatchId() + "/" + branchId), now, all);
        }
    }
}

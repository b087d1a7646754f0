package io.braid.orchestrator.dispatch;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchTask;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;

import java.time.Instant;
import java.util.List;

/**
 * A job split into what the dispatcher writes: one manifest for the aggregator, one task per branch for the
 * workers, and one child job per JOB branch (a nested fan-out, dispatched like any job).
 */
public record FanOut(JobManifest manifest, List<BranchTask> tasks, List<JobRequest> childJobs) {

    /** Round 1 of {@code job}, dispatched at {@code now}; {@code receivedAt} stands in for a missing submittedAt. */
    public static FanOut of(JobRequest job, Instant receivedAt, Instant now) {
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
                        .build())
                .toList();
        List<JobRequest> childJobs = job.getBranches().stream()
                .filter(branch -> branch.getKind() == BranchKind.JOB)
                .map(branch -> JobRequest.newBuilder(ChildJobs.child(job, branch, round)).setSubmittedAt(now).build())
                .toList();
        return new FanOut(manifest, tasks, childJobs);
    }
}

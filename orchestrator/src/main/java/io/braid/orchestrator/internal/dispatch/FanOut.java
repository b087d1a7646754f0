package io.braid.orchestrator.internal.dispatch;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchTask;
import io.braid.schema.Hedge;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A job split into what the dispatcher writes: one manifest for the aggregator, the first window of task branches
 * for the workers ({@code tasks}), and one child job per JOB branch (a nested fan-out, dispatched in the same
 * transaction, all at once: a child job is a job with a window of its own). {@code laterTasks} are the task
 * branches past the window, which the aggregator publishes one by one as earlier ones finish; the dispatcher only
 * measures them, so a job whose later task would not fit a record is refused now rather than stuck later.
 *
 * <p>The job's {@code hedge} is folded into every LLM and AGENT branch that sets none (in the manifest's specs too,
 * so the tasks the aggregator builds later carry it): the worker reads only the task.
 */
public record FanOut(JobManifest manifest, List<BranchTask> tasks, List<BranchTask> laterTasks,
                     List<JobRequest> childJobs) {

    /** Round 1 of {@code job} with no fleet default window: everything published unless the job sets one. */
    public static FanOut of(JobRequest job, Instant receivedAt, Instant now, String dispatchId) {
        return of(job, receivedAt, now, dispatchId, null);
    }

    /**
     * Round 1 of {@code job}, dispatched at {@code now} as {@code dispatchId}; {@code receivedAt} stands in for a
     * missing submittedAt. Its window is the job's {@code maxConcurrency}, else {@code defaultWindow} (null: none).
     */
    public static FanOut of(JobRequest job, Instant receivedAt, Instant now, String dispatchId,
                            Integer defaultWindow) {
        Instant submittedAt = job.getSubmittedAt() != null ? job.getSubmittedAt() : receivedAt;
        int round = 1;
        List<BranchSpec> specs = job.getBranches().stream().map(branch -> hedged(branch, job.getHedge())).toList();
        Integer window = job.getMaxConcurrency() != null ? job.getMaxConcurrency() : defaultWindow;
        JobManifest manifest = JobManifest.newBuilder()
                .setJobId(job.getJobId())
                .setRound(round)
                .setSubmittedAt(submittedAt)
                .setDispatchedAt(now)
                .setBranches(specs.stream().map(b -> new BranchRef(b.getBranchId(), b.getKind())).toList())
                .setCompletion(job.getCompletion())
                .setAggregation(job.getAggregation())
                .setMetadata(job.getMetadata())
                .setParentJobId(job.getParentJobId())
                .setSpecs(specs)
                .setInputs(job.getInputs())
                .setDispatchId(dispatchId)
                .setMaxConcurrency(window)
                .setBudget(job.getBudget())
                .setPriority(job.getPriority())
                .build();
        List<BranchTask> all = specs.stream()
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
        int first = window == null ? all.size() : Math.min(window, all.size());
        List<JobRequest> childJobs = job.getBranches().stream()
                .filter(branch -> branch.getKind() == BranchKind.JOB)
                .map(branch -> {
                    JobRequest child = ChildJobs.child(job, branch, round);
                    Map<String, String> metadata = new HashMap<>(child.getMetadata());
                    metadata.put(ChildJobs.PARENT_DISPATCH, dispatchId);
                    return JobRequest.newBuilder(child).setSubmittedAt(now).setMetadata(metadata)
                            .setPriority(job.getPriority()).build();
                })
                .toList();
        return new FanOut(manifest, all.subList(0, first), all.subList(first, all.size()), childJobs);
    }

    /**
     * This fan-out for a job whose tenant has a concurrency cap: no task published now — the manifest names the
     * tenant, and the aggregator publishes each task as the tenant's admission grants it a slot.
     */
    public FanOut awaitingAdmission(String tenant) {
        List<BranchTask> all = new ArrayList<>(tasks);
        all.addAll(laterTasks);
        return new FanOut(JobManifest.newBuilder(manifest).setAdmissionTenant(tenant).build(), List.of(), all,
                childJobs);
    }

    /** {@code branch} with the job's hedge when it is an LLM or AGENT branch that sets none of its own. */
    static BranchSpec hedged(BranchSpec branch, Hedge jobHedge) {
        boolean hedgeable = branch.getKind() == BranchKind.LLM || branch.getKind() == BranchKind.AGENT;
        if (jobHedge == null || branch.getHedge() != null || !hedgeable) {
            return branch;
        }
        return BranchSpec.newBuilder(branch).setHedge(Hedge.newBuilder(jobHedge).build()).build();
    }

    /** As {@link #tree(JobRequest, Instant, Instant, String, Integer)} with no fleet default window. */
    public static List<FanOut> tree(JobRequest job, Instant receivedAt, Instant now, String dispatchId) {
        return tree(job, receivedAt, now, dispatchId, null);
    }

    /** {@code job}'s fan-out followed by those of its child jobs, depth first: everything one dispatch writes. */
    public static List<FanOut> tree(JobRequest job, Instant receivedAt, Instant now, String dispatchId,
                                    Integer defaultWindow) {
        List<FanOut> all = new ArrayList<>();
        addTree(of(job, receivedAt, now, dispatchId, defaultWindow), now, defaultWindow, all);
        return all;
    }

    private static void addTree(FanOut fanOut, Instant now, Integer defaultWindow, List<FanOut> all) {
        all.add(fanOut);
        for (JobRequest child : fanOut.childJobs()) {
            String branchId = child.getMetadata().get(ChildJobs.PARENT_BRANCH);
            addTree(of(child, now, now, fanOut.manifest().getDispatchId() + "/" + branchId, defaultWindow), now,
                    defaultWindow, all);
        }
    }
}

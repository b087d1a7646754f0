package io.braid.orchestrator.internal.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchResult;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;

import java.time.Instant;

/**
 * A job's status as JSON, from the aggregator's state:
 * {@code {"jobId", "state": WAITING_FOR_MANIFEST | RUNNING | COMPLETED, "round", "status", "completedBy",
 * "submittedAt", "deadlineAt", "completedAt", "maxConcurrency", "inFlight" (task branches published and not
 * finished, when the job has a window), "usage": {"inputTokens", "outputTokens", "cost"} (what the join counted
 * against the budget, all rounds), "budget": {"tokens", "cost"}, "branches": [{"branchId", "kind", "status": PENDING
 * | SUCCEEDED | ..., "attempt", "workerId", "startedAt", "finishedAt", "tokens", "cost", "error"}], "answeredBy"}};
 * a job whose tenant has a concurrency cap adds {@code "priority", "admission": {"tenant", "admitted", "tasks",
 * "message"}} (how many of the round's tasks its tenant's admission has let in so far).
 */
final class JobStatusView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobStatusView() {
    }

    static String json(JobJoinState state, String answeredBy) {
        ObjectNode job = JSON.createObjectNode();
        job.put("jobId", state.getJobId());
        JobManifest manifest = state.getManifest();
        if (manifest == null) {
            job.put("state", "WAITING_FOR_MANIFEST");
            job.put("resultsSoFar", state.getResults().size());
            job.put("answeredBy", answeredBy);
            return job.toString();
        }
        boolean completed = state.getCompletedRound() >= manifest.getRound();
        job.put("state", completed ? "COMPLETED" : "RUNNING");
        job.put("round", manifest.getRound());
        job.put("status", completed && state.getCompletedStatus() != null ? state.getCompletedStatus().name() : null);
        job.put("completedBy", completed ? state.getCompletedBy() : null);
        job.put("submittedAt", text(manifest.getSubmittedAt()));
        job.put("deadlineAt", text(state.getDeadlineAt()));
        job.put("completedAt", completed ? text(state.getCompletedAt()) : null);
        if (manifest.getMaxConcurrency() != null) {
            job.put("maxConcurrency", manifest.getMaxConcurrency());
            job.put("inFlight", completed ? 0 : Math.max(0, state.getPublishedTasks() - state.getFinishedTasks()));
        }
        if (manifest.getAdmissionTenant() != null) {
            admission(job, state, manifest, completed);
        }
        if (state.getSpent() != null) {
            ObjectNode usage = job.putObject("usage");
            usage.put("inputTokens", state.getSpent().getInputTokens());
            usage.put("outputTokens", state.getSpent().getOutputTokens());
            usage.put("cost", state.getSpent().getCost());
        }
        if (manifest.getBudget() != null) {
            job.putObject("budget").put("tokens", manifest.getBudget().getTokens())
                    .put("cost", manifest.getBudget().getCost());
        }
        ArrayNode branches = job.putArray("branches");
        for (BranchRef ref : manifest.getBranches()) {
            ObjectNode branch = branches.addObject();
            branch.put("branchId", ref.getBranchId());
            branch.put("kind", ref.getKind().name());
            BranchResult result = state.getResults().get(ref.getBranchId());
            if (result == null) {
                branch.put("status", completed ? "NOT_FINISHED" : "PENDING");
                continue;
            }
            branch.put("status", result.getStatus().name());
            branch.put("attempt", result.getAttempt());
            branch.put("workerId", result.getWorkerId());
            branch.put("startedAt", text(result.getStartedAt()));
            branch.put("finishedAt", text(result.getFinishedAt()));
            if (result.getUsage() != null) {
                branch.put("tokens", (long) result.getUsage().getInputTokens() + result.getUsage().getOutputTokens());
            }
            if (result.getCost() != null) {
                branch.put("cost", result.getCost());
            }
            if (result.getError() != null) {
                branch.put("error", result.getError().getErrorClass() + ": " + result.getError().getMessage());
            }
        }
        job.put("answeredBy", answeredBy);
        return job.toString();
    }

    private static void admission(ObjectNode job, JobJoinState state, JobManifest manifest, boolean completed) {
        java.util.List<String> replayed = manifest.getReplayedBranches();
        int tasks = (int) manifest.getBranches().stream().filter(b -> b.getKind() != io.braid.schema.BranchKind.JOB
                && (replayed.isEmpty() || replayed.contains(b.getBranchId()))).count();
        int admitted = Math.min(tasks, state.getPublishedTasks());
        job.put("priority", manifest.getPriority().name());
        ObjectNode admission = job.putObject("admission");
        admission.put("tenant", manifest.getAdmissionTenant());
        admission.put("admitted", admitted);
        admission.put("tasks", tasks);
        if (!completed && admitted < tasks) {
            admission.put("message", "waiting for tenant " + manifest.getAdmissionTenant() + "'s cap: " + admitted
                    + " of " + tasks + " tasks admitted");
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}

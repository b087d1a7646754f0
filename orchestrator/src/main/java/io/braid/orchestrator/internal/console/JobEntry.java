package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the console knows of one recent job, from the topics it reads (manifests, events, job results): its summary
 * and a timeline entry per branch (at most {@code maxBranches}; more are counted, not kept). Mutable, guarded by
 * the {@link JobIndex} that owns it.
 */
final class JobEntry {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One branch on the timeline. {@code state}: QUEUED, RUNNING, RETRYING or the finished BranchStatus. */
    static final class Branch {
        final String branchId;
        String kind;
        int round;
        String state = "QUEUED";
        int attempt;
        String workerId;
        String model;
        Instant queuedAt;
        Instant startedAt;
        Instant finishedAt;
        long tokens;
        Double cost;
        String message;

        Branch(String branchId) {
            this.branchId = branchId;
        }

        boolean finished() {
            return !(state.equals("QUEUED") || state.equals("RUNNING") || state.equals("RETRYING"));
        }

        ObjectNode json() {
            ObjectNode node = JSON.createObjectNode().put("branchId", branchId).put("kind", kind).put("round", round)
                    .put("state", state).put("attempt", attempt).put("workerId", workerId).put("model", model)
                    .put("queuedAt", text(queuedAt)).put("startedAt", text(startedAt))
                    .put("finishedAt", text(finishedAt)).put("tokens", tokens).put("message", message);
            if (cost != null) {
                node.put("cost", cost);
            }
            return node;
        }
    }

    final String jobId;
    /** Whether the job's manifest came, and its dispatch: the one manifest this entry takes (see JobIndex). */
    boolean manifested;
    String dispatchId;
    String tenant;
    String parentJobId;
    int round = 1;
    String status = "RUNNING";
    String completedBy;
    Instant submittedAt;
    Instant completedAt;
    int branchesTotal;
    long inputTokens;
    long outputTokens;
    double cost;
    boolean costKnown;
    String aggregationError;
    String aggregation;
    /** The latest round's output, cut at the console's limit; {@code outputChars} its whole length. */
    String output;
    int outputChars;
    final Map<String, Branch> branches = new LinkedHashMap<>();
    int branchesNotKept;

    JobEntry(String jobId) {
        this.jobId = jobId;
    }

    /** The branch's entry, made when there is room; null when the job has more branches than the console keeps. */
    Branch branch(String branchId, int maxBranches) {
        Branch branch = branches.get(branchId);
        if (branch == null) {
            if (branches.size() >= maxBranches) {
                branchesNotKept++;
                return null;
            }
            branch = new Branch(branchId);
            branches.put(branchId, branch);
        }
        return branch;
    }

    int branchesDone() {
        return (int) branches.values().stream().filter(Branch::finished).count();
    }

    /** The row of the jobs list. */
    ObjectNode summary() {
        ObjectNode node = JSON.createObjectNode().put("jobId", jobId).put("tenant", tenant)
                .put("parentJobId", parentJobId).put("round", round).put("status", status)
                .put("completedBy", completedBy).put("submittedAt", text(submittedAt))
                .put("completedAt", text(completedAt))
                .put("branchesTotal", Math.max(branchesTotal, branches.size()))
                .put("branchesDone", branchesDone()).put("inputTokens", inputTokens).put("outputTokens", outputTokens)
                .put("aggregationError", aggregationError);
        if (submittedAt != null && completedAt != null) {
            node.put("wallMs", completedAt.toEpochMilli() - submittedAt.toEpochMilli());
        }
        if (costKnown) {
            node.put("cost", cost);
        }
        return node;
    }

    /** The job page's timeline: the summary and every branch kept. */
    ObjectNode timeline() {
        ObjectNode node = summary();
        node.put("branchesNotKept", branchesNotKept).put("aggregation", aggregation).put("output", output);
        if (output != null && outputChars > output.length()) {
            node.put("outputChars", outputChars);
        }
        branches.values().forEach(b -> node.withArray("branches").add(b.json()));
        if (branches.isEmpty()) {
            node.putArray("branches");
        }
        return node;
    }

    static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}

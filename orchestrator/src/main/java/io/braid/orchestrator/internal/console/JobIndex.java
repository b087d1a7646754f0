package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.orchestrator.internal.aggregate.FinalAggregation;
import io.braid.orchestrator.internal.dispatch.ChildJobs;
import io.braid.orchestrator.internal.dispatch.Identifiers;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchRef;
import io.braid.schema.JobEvent;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.BiConsumer;

/**
 * The console's bounded in-memory index of recent jobs, fed from the manifests, events and job-results topics
 * (every instance reads them all, so any instance's console shows every job). Keeps at most {@code maxJobs} jobs
 * and {@code maxKeptBranches} branches over all of them (the least recently changed jobs dropped first), and
 * {@code maxBranches} branches per job; tells the live streams of a
 * job's page what changed. A record whose ids Braid could not have made (longer than its limits) is skipped whole and
 * counted, never cut: a cut id would merge two jobs.
 */
final class JobIndex {

    /** The longest job id Braid makes: a submitted id and, per level of nesting, a child's {@code /branch@round}. */
    static final int MAX_JOB_ID_CHARS = Identifiers.MAX_JOB_ID_LENGTH
            + ChildJobs.MAX_DEPTH * (Identifiers.MAX_BRANCH_ID_LENGTH + 12);

    private final int maxJobs;
    private final int maxBranches;
    private final int maxKeptBranches;
    private int keptBranches;
    private long skipped;
    private final int maxOutputChars;
    private final Cut cut;
    private final FleetStats fleet;
    private final LinkedHashMap<String, JobEntry> jobs = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Set<BiConsumer<String, String>>> listeners = new ConcurrentHashMap<>();

    JobIndex(io.braid.orchestrator.ConsoleSettings settings, FleetStats fleet) {
        this.maxJobs = settings.maxJobs();
        this.maxBranches = settings.maxBranches();
        this.maxKeptBranches = settings.maxKeptBranches();
        this.maxOutputChars = settings.maxOutputChars();
        this.cut = new Cut(settings.maxNameChars());
        this.fleet = fleet;
    }

    /**
     * Takes the job's manifest. As the join does ({@code JoinAdmission}), the first manifest of an id claims it: a
     * later one from another dispatch (a second job or a refused record under the same id) is ignored, so it cannot
     * rewrite the first job's entry. Later rounds come from the join's events and results, never from a manifest.
     */
    synchronized void manifest(JobManifest manifest) {
        if (!plausible(manifest.getJobId(), null)) {
            return;
        }
        JobEntry held = jobs.get(manifest.getJobId());
        if (manifest.getRound() != 1
                || held != null && held.manifested && !Objects.equals(held.dispatchId, manifest.getDispatchId())) {
            return;
        }
        JobEntry job = entry(manifest.getJobId());
        if (!job.manifested) {
            job.manifested = true;
            job.dispatchId = manifest.getDispatchId();
            dropBranchesNotIn(job, manifest);
        }
        job.tenant = cut.name(manifest.getMetadata().get("tenant"));
        job.parentJobId = cut.name(manifest.getParentJobId());
        job.submittedAt = job.submittedAt == null ? manifest.getSubmittedAt() : job.submittedAt;
        job.branchesTotal = manifest.getBranches().size();
        job.round = Math.max(job.round, manifest.getRound());
        if (manifest.getRejection() != null) {
            job.status = "FAILED";
            job.aggregationError = message("rejected: " + manifest.getRejection().getMessage());
        }
        for (BranchRef ref : manifest.getBranches()) {
            JobEntry.Branch branch = branch(job, ref.getBranchId());
            if (branch != null) {
                branch.kind = ref.getKind().name();
                branch.round = branch.round == 0 ? manifest.getRound() : branch.round;
                branch.queuedAt = branch.queuedAt == null ? manifest.getDispatchedAt() : branch.queuedAt;
            }
        }
        tell(job, "job", job.timeline());
    }

    synchronized void event(JobEvent event) {
        if (!plausible(event.getJobId(), event.getBranchId())) {
            return;
        }
        if (event.getType() == io.braid.schema.JobEventType.BRANCH_OUTPUT) {
            partial(event);
            return;
        }
        JobEntry job = entry(event.getJobId());
        fleet.event(event);
        switch (event.getType()) {
            case JOB_DISPATCHED -> job.submittedAt = job.submittedAt == null ? event.getAt() : job.submittedAt;
            case JOB_REPLAYED -> {
                job.round = Math.max(job.round, event.getRound());
                job.status = "RUNNING";
                job.completedAt = null;
                job.completedBy = null;
                job.branches.values().stream().filter(b -> !b.state.equals("SUCCEEDED")).forEach(b -> {
                    b.round = event.getRound();
                    b.state = "QUEUED";
                    b.queuedAt = event.getAt();
                    b.startedAt = null;
                    b.finishedAt = null;
                    b.message = null;
                });
                tell(job, "job", job.timeline());
                return;
            }
            case JOB_COMPLETED, REPLAY_REJECTED -> {
                tell(job, "note", JobEntry.JSON.createObjectNode().put("type", event.getType().name())
                        .put("round", event.getRound()).put("message", event.getMessage()));
                return;
            }
            default -> branchEvent(job, event);
        }
        tell(job, "job", job.summary());
    }

    /**
     * Relays a piece of a branch's output to the job's live pages: only for a branch of a job in the index, running
     * in that round on the worker that sent it, cut at {@code --console-max-output-chars}.
     */
    private void partial(JobEvent event) {
        JobEntry job = jobs.get(event.getJobId());
        JobEntry.Branch branch = job == null || event.getBranchId() == null ? null
                : job.branches.get(event.getBranchId());
        boolean running = branch != null && ("RUNNING".equals(branch.state) || "RETRYING".equals(branch.state));
        if (running && event.getMessage() != null && event.getRound() == branch.round
                && (branch.workerId == null || branch.workerId.equals(cut.name(event.getWorkerId())))) {
            tell(job, "partial", JobEntry.JSON.createObjectNode().put("branchId", branch.branchId)
                    .put("round", event.getRound()).put("text", Cut.cut(event.getMessage(), maxOutputChars)));
        }
    }

    /** Whether the ids could be Braid's; counts the record skipped when not. */
    private boolean plausible(String jobId, String branchId) {
        boolean plausible = jobId != null && !jobId.isEmpty() && jobId.length() <= MAX_JOB_ID_CHARS
                && (branchId == null || branchId.length() <= Identifiers.MAX_BRANCH_ID_LENGTH);
        skipped += plausible ? 0 : 1;
        return plausible;
    }

    /** How many records were skipped for ids Braid could not have made. */
    synchronized long skipped() {
        return skipped;
    }

    private void branchEvent(JobEntry job, JobEvent event) {
        String branchId = event.getBranchId();
        boolean unknown = job.manifested && !job.branches.containsKey(branchId)
                && !FinalAggregation.BRANCH_ID.equals(branchId);
        JobEntry.Branch branch = branchId == null || unknown ? null : branch(job, branchId);
        if (branch == null) {
            return;
        }
        if (event.getRound() < branch.round) {
            return;
        }
        if (event.getRound() > branch.round) {
            branch.round = event.getRound();
            branch.finishedAt = null;
            branch.state = "QUEUED";
            branch.message = null;
        }
        branch.attempt = Math.max(branch.attempt, event.getAttempt());
        branch.workerId = event.getWorkerId() == null ? branch.workerId : cut.name(event.getWorkerId());
        switch (event.getType()) {
            case BRANCH_STARTED -> {
                if (!branch.finished()) {
                    branch.state = "RUNNING";
                    branch.startedAt = event.getAt();
                }
            }
            case BRANCH_RETRYING -> {
                branch.state = "RETRYING";
                branch.message = message(event.getMessage());
            }
            case BRANCH_FINISHED -> {
                branch.state = event.getBranchStatus() == null ? "FINISHED" : event.getBranchStatus().name();
                branch.startedAt = event.getStartedAt() != null ? event.getStartedAt() : branch.startedAt;
                branch.finishedAt = event.getAt();
                branch.message = message(event.getMessage());
                if (event.getUsage() != null) {
                    branch.tokens = (long) event.getUsage().getInputTokens() + event.getUsage().getOutputTokens();
                }
                branch.cost = event.getCost();
            }
            default -> {
            }
        }
        tell(job, "branch", branch.json());
    }

    synchronized void result(JobResult result) {
        if (!plausible(result.getJobId(), null)) {
            return;
        }
        JobEntry job = entry(result.getJobId());
        if (result.getRound() < job.round && !"RUNNING".equals(job.status)) {
            return;
        }
        job.round = Math.max(job.round, result.getRound());
        job.status = result.getStatus().name();
        job.completedBy = cut.name(result.getCompletedBy());
        job.submittedAt = job.submittedAt == null ? result.getSubmittedAt() : job.submittedAt;
        job.completedAt = result.getCompletedAt();
        job.tenant = cut.name(result.getMetadata().getOrDefault("tenant", job.tenant));
        job.parentJobId = cut.name(result.getParentJobId());
        job.aggregationError = result.getAggregationError() == null ? job.aggregationError
                : message(result.getAggregationError().getErrorClass() + ": " + result.getAggregationError().getMessage());
        if (result.getRejection() != null) {
            job.aggregationError = message("rejected: " + result.getRejection().getErrorClass() + ": "
                    + result.getRejection().getMessage());
        }
        if (result.getUsage() != null) {
            job.inputTokens = result.getUsage().getInputTokens();
            job.outputTokens = result.getUsage().getOutputTokens();
            job.costKnown = result.getUsage().getCost() != null;
            job.cost = job.costKnown ? result.getUsage().getCost() : 0;
        }
        job.branchesTotal = Math.max(job.branchesTotal, result.getBranches().size());
        job.aggregation = result.getAggregation().name();
        String output = result.getOutput();
        job.outputChars = output == null ? 0 : output.length();
        job.output = output == null || output.length() <= maxOutputChars ? output : output.substring(0, maxOutputChars);
        for (BranchOutcome outcome : result.getBranches()) {
            JobEntry.Branch branch = branch(job, outcome.getBranchId());
            if (branch != null) {
                settle(branch, outcome, result.getRound());
            }
        }
        fleet.result(result);
        tell(job, "job", job.timeline());
    }

    private void settle(JobEntry.Branch branch, BranchOutcome outcome, int round) {
        branch.kind = outcome.getKind() == null ? branch.kind : outcome.getKind().name();
        branch.state = outcome.getStatus().name();
        branch.round = Math.max(branch.round, round);
        branch.attempt = Math.max(branch.attempt, outcome.getAttempt());
        branch.workerId = outcome.getWorkerId() == null ? branch.workerId : cut.name(outcome.getWorkerId());
        branch.model = cut.name(outcome.getModel());
        branch.startedAt = outcome.getStartedAt() == null ? branch.startedAt : outcome.getStartedAt();
        branch.finishedAt = outcome.getFinishedAt() == null ? branch.finishedAt : outcome.getFinishedAt();
        if (outcome.getUsage() != null) {
            branch.tokens = (long) outcome.getUsage().getInputTokens() + outcome.getUsage().getOutputTokens();
        }
        branch.cost = outcome.getCost();
        branch.message = outcome.getError() == null ? null
                : message(outcome.getError().getErrorClass() + ": " + outcome.getError().getMessage());
    }

    private String message(String text) {
        return Cut.cut(text, maxOutputChars);
    }

    /** The job's timeline, if the index holds the job. */
    synchronized Optional<ObjectNode> timeline(String jobId) {
        JobEntry job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(job.timeline());
    }

    /** Jobs matching the filters (each null when not filtered), newest submission first, at most {@code limit}. */
    synchronized ArrayNode list(String status, String tenant, Instant since, String idContains, int limit) {
        List<JobEntry> matching = new ArrayList<>();
        for (JobEntry job : jobs.values()) {
            if ((status == null || status.equalsIgnoreCase(job.status))
                    && (tenant == null || tenant.equals(job.tenant))
                    && (since == null || job.submittedAt != null && !job.submittedAt.isBefore(since))
                    && (idContains == null || job.jobId.toLowerCase(Locale.ROOT)
                    .contains(idContains.toLowerCase(Locale.ROOT)))) {
                matching.add(job);
            }
        }
        matching.sort(Comparator.comparing((JobEntry j) -> j.submittedAt == null ? Instant.MAX : j.submittedAt)
                .reversed());
        ArrayNode rows = JobEntry.JSON.createArrayNode();
        matching.stream().limit(limit).forEach(job -> rows.add(job.summary()));
        return rows;
    }

    synchronized int size() {
        return jobs.size();
    }

    /** Follows a job's changes: {@code listener} gets (event name, JSON); the returned handle stops it. */
    Runnable follow(String jobId, BiConsumer<String, String> listener) {
        listeners.computeIfAbsent(jobId, id -> new CopyOnWriteArraySet<>()).add(listener);
        return () -> listeners.computeIfPresent(jobId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Tells a job's followers something that is not a change of the index (a partial output, say). */
    void tell(String jobId, String name, ObjectNode json) {
        Set<BiConsumer<String, String>> followers = listeners.get(jobId);
        if (followers != null) {
            String text = json.toString();
            followers.forEach(f -> f.accept(name, text));
        }
    }

    private void tell(JobEntry job, String name, ObjectNode json) {
        tell(job.jobId, name, json);
    }

    /** The job's entry, made (and room made for it) when the index has none. */
    private JobEntry entry(String jobId) {
        JobEntry job = jobs.get(jobId);
        if (job == null) {
            job = new JobEntry(jobId);
            jobs.put(jobId, job);
            trim(job);
        }
        return job;
    }

    /** Drops the branches events made before the manifest came that it does not have (a second job's, say). */
    private void dropBranchesNotIn(JobEntry job, JobManifest manifest) {
        Set<String> ids = new HashSet<>();
        manifest.getBranches().forEach(ref -> ids.add(ref.getBranchId()));
        ids.add(FinalAggregation.BRANCH_ID);
        int before = job.branches.size();
        job.branches.keySet().retainAll(ids);
        keptBranches -= before - job.branches.size();
    }

    /** The branch's entry (null past the job's limit), counted against {@code maxKeptBranches}. */
    private JobEntry.Branch branch(JobEntry job, String branchId) {
        int before = job.branches.size();
        JobEntry.Branch branch = job.branch(branchId, maxBranches);
        if (job.branches.size() > before) {
            keptBranches++;
            trim(job);
        }
        return branch;
    }

    /** Drops the least recently changed jobs, never {@code current}, until the index is within its limits. */
    private void trim(JobEntry current) {
        Iterator<JobEntry> eldest = jobs.values().iterator();
        while ((jobs.size() > maxJobs || keptBranches > maxKeptBranches) && eldest.hasNext()) {
            JobEntry job = eldest.next();
            if (job != current) {
                keptBranches -= job.branches.size();
                eldest.remove();
            }
        }
    }
}

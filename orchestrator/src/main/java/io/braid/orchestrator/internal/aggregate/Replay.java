package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.JobControl;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.policy.UsePolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A replay, decided inside the join (so it is exactly-once and sees the job's true state): a completed job opens
 * its next round, in which only the requested branches that did not succeed run again — their tasks published by
 * the aggregator from the specs kept in the manifest, the job's window at a time — while every earlier success is
 * kept as it was. Anything else is refused with a REPLAY_REJECTED event saying why: the round still runs (a second
 * replay at once), nothing to replay (all requested branches succeeded), an unknown branch, a model the operator's
 * policy does not allow the job's tenant, the job's budget is spent, or no state for the job.
 */
public final class Replay {

    /** What a replay request would do now: open a round (and the message says which branches), or why not. */
    public record Preview(boolean wouldReplay, String message) {
    }

    private Replay() {
    }

    /** The decision {@link #apply} would take for {@code control} on {@code state}, changing nothing. */
    public static Preview preview(JobJoinState state, JobControl control, Instant now, JoinSettings settings) {
        JobJoin.Step step = apply(state, control, now, settings);
        JobEvent event = step.events().get(0);
        return new Preview(event.getType() == JobEventType.JOB_REPLAYED, event.getMessage());
    }

    static JobJoin.Step apply(JobJoinState state, JobControl control, Instant now, JoinSettings settings) {
        JobManifest manifest = state.getManifest();
        if (manifest == null) {
            return rejected(state, now, "no job '" + state.getJobId() + "' is held by the aggregator: never "
                    + "submitted, not dispatched yet, or finished longer ago than the retention (then submit it again)");
        }
        if (state.getCompletedRound() < manifest.getRound()) {
            return rejected(state, now, "round " + manifest.getRound() + " is still running; replay once it completed");
        }
        Map<String, BranchSpec> specs = new LinkedHashMap<>();
        manifest.getSpecs().forEach(spec -> specs.put(spec.getBranchId(), spec));
        if (specs.isEmpty()) {
            return rejected(state, now, "the job's manifest has no branch specs (dispatched by an older Braid); "
                    + "submit it again instead");
        }
        List<String> requested = List.copyOf(new java.util.LinkedHashSet<>(control.getBranches().isEmpty()
                ? specs.keySet() : control.getBranches())); // a branch named twice runs once
        List<String> unknown = requested.stream().filter(id -> !specs.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            return rejected(state, now, "unknown branch " + String.join(", ", unknown) + "; the job's branches are "
                    + specs.keySet());
        }
        List<String> succeeded = new ArrayList<>();
        List<String> toRun = new ArrayList<>();
        for (String branchId : requested) {
            BranchResult kept = state.getResults().get(branchId);
            (kept != null && kept.getStatus() == BranchStatus.SUCCEEDED ? succeeded : toRun).add(branchId);
        }
        Optional<String> child = toRun.stream().filter(id -> specs.get(id).getKind() == BranchKind.JOB).findFirst();
        if (child.isPresent()) {
            return rejected(state, now, "branch " + child.get() + " is a child job; replay the child job itself");
        }
        if (toRun.isEmpty()) {
            return rejected(state, now, "nothing to replay: " + String.join(", ", succeeded) + " already succeeded "
                    + "and will not run again");
        }
        Optional<String> denied = deniedModel(manifest, specs, toRun, control.getModel(), settings.policy());
        if (denied.isPresent()) {
            return rejected(state, now, denied.get());
        }
        if (Spend.exhausted(manifest.getBudget(), state.getSpent())) {
            return rejected(state, now, "the job's budget (" + Spend.describe(manifest.getBudget()) + ") is spent: "
                    + Spend.describe(state.getSpent()) + " so far; submit it again as a new job with a budget of its "
                    + "own");
        }

        int round = manifest.getRound() + 1;
        JobJoinState next = JobJoin.copy(state);
        next.setManifest(JobManifest.newBuilder(manifest).setRound(round).setDispatchedAt(now)
                .setReplayedBranches(toRun).setSpecs(onModel(manifest.getSpecs(), toRun, control.getModel())).build());
        Map<String, BranchResult> results = new HashMap<>(next.getResults());
        toRun.forEach(results::remove);
        results.remove(FinalAggregation.BRANCH_ID);
        next.setResults(results);
        next.setAggregatingFor(null);
        next.setExpiresAt(null);
        Long deadlineMs = manifest.getCompletion().getDeadlineMs();
        next.setDeadlineAt(now.plus(deadlineMs != null ? Duration.ofMillis(deadlineMs) : settings.defaultDeadline()));
        next.setPublishedTasks(0);
        JobWindow.recount(next);
        List<BranchTask> tasks;
        List<io.braid.schema.SlotMessage> slots = List.of();
        if (CappedJob.capped(next.getManifest())) { // its tenant's admission grants its tasks, as in round 1
            tasks = List.of();
            slots = CappedJob.ask(next);
        } else if (next.getManifest().getMaxConcurrency() == null) { // no window: every replayed branch at once
            ManifestIndex index = ManifestIndex.of(next.getManifest());
            tasks = java.util.stream.IntStream.range(0, index.taskCount())
                    .mapToObj(place -> JobWindow.task(next.getManifest(), index.task(next.getManifest(), place), now))
                    .toList();
            next.setPublishedTasks(tasks.size());
        } else {
            tasks = JobWindow.topUp(next, now);
        }
        String message = "round " + round + " replays " + String.join(", ", toRun)
                + (control.getModel() != null ? " on model " + control.getModel() : "")
                + (succeeded.isEmpty() ? "" : "; kept " + String.join(", ", succeeded) + " (already succeeded)");
        return new JobJoin.Step(next, Optional.empty(), tasks, List.of(event(state.getJobId(), round,
                JobEventType.JOB_REPLAYED, message, now))).withSlots(slots);
    }

    /**
     * Why moving the replayed branches to {@code model} breaks the operator's policy for the job's tenant — the model
     * itself, or an agent's tool on it — as the dispatcher would have refused the job naming it; empty when it does
     * not (or no model is named).
     */
    private static Optional<String> deniedModel(JobManifest manifest, Map<String, BranchSpec> specs,
                                                List<String> toRun, String model, UsePolicy policy) {
        if (model == null) {
            return Optional.empty();
        }
        String tenant = UsePolicy.tenantOf(manifest.getMetadata());
        for (String branchId : toRun) {
            BranchSpec spec = specs.get(branchId);
            Optional<UsePolicy.Refusal> refusal = Optional.empty();
            if (spec.getLlm() != null || spec.getAgent() != null) {
                refusal = policy.model(tenant, model);
            }
            if (refusal.isEmpty() && spec.getAgent() != null) {
                refusal = spec.getAgent().getTools().stream().map(tool -> policy.agentTool(tenant, model, tool))
                        .flatMap(Optional::stream).findFirst();
            }
            if (refusal.isPresent()) {
                return Optional.of("branch " + branchId + " may not run on model '" + model + "': "
                        + refusal.get().message("by this orchestrator"));
            }
        }
        return Optional.empty();
    }

    /**
     * The specs with the LLM (or agent) model of the replayed branches replaced, when a replay names one: the round's
     * later tasks (published as its window frees) are built from them too.
     */
    private static List<BranchSpec> onModel(List<BranchSpec> specs, List<String> replayed, String model) {
        if (model == null) {
            return specs;
        }
        java.util.Set<String> ids = new java.util.HashSet<>(replayed);
        return specs.stream().map(spec -> ids.contains(spec.getBranchId()) ? onModel(spec, model) : spec).toList();
    }

    private static BranchSpec onModel(BranchSpec spec, String model) {
        BranchSpec copy = BranchSpec.newBuilder(spec).build();
        if (copy.getLlm() != null) {
            copy.getLlm().setModel(model);
        }
        if (copy.getAgent() != null) {
            copy.getAgent().setModel(model);
        }
        return copy;
    }

    private static JobJoin.Step rejected(JobJoinState state, Instant now, String why) {
        int round = state.getManifest() == null ? 0 : state.getManifest().getRound();
        return new JobJoin.Step(state, Optional.empty(), List.of(),
                List.of(event(state.getJobId(), round, JobEventType.REPLAY_REJECTED, why, now)));
    }

    private static JobEvent event(String jobId, int round, JobEventType type, String message, Instant now) {
        return JobEvent.newBuilder().setJobId(jobId).setRound(round).setType(type).setMessage(message).setAt(now)
                .build();
    }
}

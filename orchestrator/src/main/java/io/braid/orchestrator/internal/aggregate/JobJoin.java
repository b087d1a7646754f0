package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;

import io.braid.schema.ErrorClass;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.CompletedBy;
import io.braid.schema.BranchTask;
import io.braid.schema.ControlAction;
import io.braid.schema.JobEvent;
import io.braid.schema.JobControl;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobUsage;
import io.braid.schema.SlotMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The join of one job as a pure function: given the job's state and one input, the next state and, when the job
 * has just completed, its result. Kafka-free, so the rules are tested directly; {@link JobJoinProcessor} runs it
 * inside the Kafka Streams topology.
 *
 * <p>Rules: the first SUCCEEDED result of a branch is kept and later ones are ignored (a branch may run twice);
 * a non-successful result is replaced by a later success. Results may arrive before the manifest. Once the
 * round's result is emitted, later inputs for that round change nothing. Every open round has a deadline
 * (its completion policy's, else the default) after which it completes by DEADLINE with what arrived; a
 * finished job's state expires after the retention.
 */
public final class JobJoin {

    private JobJoin() {
    }

    /**
     * The next state; the job result when this input completed the job; the final aggregation task when this
     * input completed the branches of a SYNTHESIZE / SELECT-by-judge job.
     */
    public record Step(JobJoinState state, Optional<JobResult> completed, List<BranchTask> tasks,
                       List<JobEvent> events, List<JoinAdmission.Refusal> refusals, List<SlotMessage> slots) {

        public Step(JobJoinState state, Optional<JobResult> completed, List<BranchTask> tasks, List<JobEvent> events,
                    List<JoinAdmission.Refusal> refusals) {
            this(state, completed, tasks, events, refusals, List.of());
        }

        public Step(JobJoinState state, Optional<JobResult> completed, List<BranchTask> tasks, List<JobEvent> events) {
            this(state, completed, tasks, events, List.of());
        }

        Step(JobJoinState state, Optional<JobResult> completed) {
            this(state, completed, List.of(), List.of());
        }

        /** Nothing changes; the input is refused (dead-lettered) for {@code reason}. */
        static Step refused(JobJoinState state, ErrorClass errorClass, String reason) {
            return new Step(state, Optional.empty(), List.of(), List.of(),
                    List.of(new JoinAdmission.Refusal(errorClass, reason)));
        }

        Step refusing(List<String> reasons) {
            if (reasons.isEmpty()) {
                return this;
            }
            List<JoinAdmission.Refusal> all = new ArrayList<>(refusals);
            reasons.forEach(reason -> all.add(new JoinAdmission.Refusal(ErrorClass.RefusedInput, reason)));
            return new Step(state, completed, tasks, events, all, slots);
        }

        /** This step also sending {@code more} to the tenant's admission (see {@link CappedJob}). */
        Step withSlots(List<SlotMessage> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<SlotMessage> all = new ArrayList<>(slots);
            all.addAll(more);
            return new Step(state, completed, tasks, events, refusals, all);
        }
    }

    /**
     * How far apart a client's clock (a job's submittedAt) and the orchestrator's (a cancel's time) may be when a
     * cancel overtakes its job's manifest; a cancel older than the job by more than this was not about it.
     */
    static final Duration EARLY_CANCEL_SKEW = Duration.ofSeconds(5);

    public static JobJoinState empty(String jobId) {
        return JobJoinState.newBuilder().setJobId(jobId).build();
    }

    public static Step apply(JobJoinState state, JoinInput input, Instant now, JoinSettings settings) {
        if (input instanceof JoinInput.Manifest m) {
            Optional<JoinAdmission.Refusal> refusal = JoinAdmission.refuse(state, m.manifest());
            if (refusal.isPresent()) {
                return Step.refused(state, refusal.get().errorClass(), refusal.get().reason());
            }
        }
        if (isLate(state, input)) {
            return new Step(state, Optional.empty());
        }
        if (input instanceof JoinInput.Result r && state.getManifest() != null) {
            Optional<String> refusal = JoinAdmission.refuse(state.getManifest(), r.result(),
                    state.getAggregatingFor() != null);
            if (refusal.isPresent()) {
                return Step.refused(state, ErrorClass.RefusedInput, refusal.get());
            }
        }
        JobJoinState next = copy(state);
        if (next.getManifest() != null && next.getFinishedBranches() == null) {
            JobWindow.recount(next); // a state of an older Braid, kept without counts
        }
        return switch (input) {
            case JoinInput.Manifest m -> manifest(next, m.manifest(), now, settings);
            case JoinInput.Result r -> {
                int finishedBefore = next.getFinishedTasks();
                keep(next, r.result());
                if (next.getManifest() == null && next.getExpiresAt() == null) {
                    next.setExpiresAt(now.plus(settings.orphanRetention()));
                }
                yield CappedJob.released(advance(next, now, settings), finishedBefore);
            }
            case JoinInput.Grant g -> state.getManifest() == null
                    ? Step.refused(state, ErrorClass.RefusedInput, "grant of slots for job '" + state.getJobId()
                            + "', which has no manifest: ignored")
                    : CappedJob.granted(state, g.grant(), now);
            case JoinInput.Control c -> c.control().getAction() == ControlAction.REPLAY
                    ? Replay.apply(state, c.control(), now, settings)
                    : cancel(state, next, c.control(), now, settings);
        };
    }

    /**
     * The job's manifest: admitted results kept, a rejection or an earlier cancel ending the job at once. The same
     * dispatch again (at least once dispatches again; {@link JoinAdmission} lets no other through) keeps the manifest
     * held: the repeat differs only in when, and under which dispatch span, it was written, and the job's result and
     * later tasks must not depend on whether a crash made one. A rejection of it (the broker refused the job's other
     * records) replaces it and ends the job.
     */
    private static Step manifest(JobJoinState next, JobManifest dispatched, Instant now, JoinSettings settings) {
        List<String> refused = new ArrayList<>();
        JobManifest manifest = next.getManifest() != null && dispatched.getRejection() == null
                ? next.getManifest() : dispatched;
        next.setManifest(manifest);
        next.setDeadlineAt(deadline(manifest, settings));
        next.setExpiresAt(null);
        next.setResults(JoinAdmission.admitted(manifest, next.getResults(), refused));
        next.setPublishedTasks(Math.max(next.getPublishedTasks(), JobWindow.firstWindow(manifest)));
        JobWindow.recount(next);
        JobUsage spent = null;
        for (BranchResult admitted : next.getResults().values()) {
            spent = Spend.add(spent, admitted);
        }
        next.setSpent(Spend.larger(next.getSpent(), spent)); // a manifest again must not hand back what was spent
        if (manifest.getRejection() != null) {
            return complete(next, CompletedBy.REJECTED, now, settings).refusing(refused);
        }
        if (next.getCancelledEarly() != null) {
            Instant askedAt = next.getCancelledEarlyAt();
            next.setCancelledEarly(null);
            next.setCancelledEarlyAt(null);
            if (askedAt != null && askedAt.isBefore(manifest.getSubmittedAt().minus(EARLY_CANCEL_SKEW))) {
                refused.add("cancel of job '" + next.getJobId() + "' asked at " + askedAt + ", before the job was "
                        + "submitted (" + manifest.getSubmittedAt() + "): not about this job, ignored");
            } else {
                return complete(next, CompletedBy.CANCELLED, now, settings).refusing(refused);
            }
        }
        Step step = advance(next, now, settings).refusing(refused);
        return step.completed().isPresent() ? step : step.withSlots(CappedJob.ask(step.state()));
    }

    /** A cancel: ends the open round, or — before the manifest — is remembered, and the manifest ends the job. */
    private static Step cancel(JobJoinState state, JobJoinState next, JobControl control, Instant now,
                               JoinSettings settings) {
        if (next.getManifest() == null) {
            if (control.getAt().isAfter(now.plus(EARLY_CANCEL_SKEW))) {
                return Step.refused(state, ErrorClass.RefusedInput, "cancel of job '" + state.getJobId()
                        + "' is dated " + control.getAt() + ", in the future");
            }
            next.setCancelledEarly(control.getReason());
            next.setCancelledEarlyAt(control.getAt());
            if (next.getExpiresAt() == null) {
                next.setExpiresAt(now.plus(settings.orphanRetention()));
            }
            return new Step(next, Optional.empty());
        }
        int round = control.getRound();
        boolean cancelsOpenRound = next.getCompletedRound() < next.getManifest().getRound()
                && (round == 0 || next.getManifest().getRound() <= round);
        return cancelsOpenRound
                ? complete(next, CompletedBy.CANCELLED, now, settings)
                : new Step(state, Optional.empty());
    }

    /**
     * What the job's state makes of it now: nothing yet but the next tasks of its window, the final aggregation
     * task, or the end — by too many failures or its completion rule first, then by its budget once spent.
     */
    private static Step advance(JobJoinState next, Instant now, JoinSettings settings) {
        JobManifest manifest = next.getManifest();
        if (manifest == null) {
            return new Step(next, Optional.empty());
        }
        if (next.getAggregatingFor() != null) {
            return next.getResults().get(FinalAggregation.BRANCH_ID) == null ? new Step(next, Optional.empty())
                    : complete(next, CompletedBy.of(next.getAggregatingFor()), now, settings);
        }
        Optional<CompletedBy> rule = CompletionRule.completedBy(manifest.getCompletion(),
                manifest.getBranches().size(), next.getFinishedBranches(), next.getSucceededBranches());
        boolean needsTask = FinalAggregation.needsTask(manifest.getAggregation());
        if (rule.isPresent() && (rule.get() == CompletedBy.TOO_MANY_FAILURES || !needsTask)) {
            return complete(next, rule.get(), now, settings);
        }
        if (Spend.exhausted(manifest.getBudget(), next.getSpent())) {
            return complete(next, CompletedBy.BUDGET, now, settings);
        }
        if (rule.isPresent()) {
            // The branches are done: the answer is one more task, run by a worker; the job completes on its result.
            next.setAggregatingFor(rule.get().name());
            BranchTask finalTask = FinalAggregation.task(manifest, RoundResult.outcomes(manifest, next.getResults(),
                    BranchStatus.CANCELLED), now);
            return new Step(next, Optional.empty(), List.of(finalTask), List.of());
        }
        return new Step(next, Optional.empty(), JobWindow.topUp(next, now), List.of());
    }

    /**
     * The job answered FAILED because the join could not process it ({@code errorClass}, {@code reason}): its open
     * round ends with no branches and the reason as its rejection. {@code manifest} stands in when the state has
     * none (the manifest itself failed). Nothing happens when the job has no open round.
     */
    static Step failed(JobJoinState state, JobManifest manifest, ErrorClass errorClass, String reason, Instant now,
                       JoinSettings settings) {
        JobManifest open = state.getManifest() != null ? state.getManifest() : manifest;
        if (open == null || state.getCompletedRound() >= open.getRound()) {
            return new Step(state, Optional.empty());
        }
        JobJoinState next = copy(state);
        next.setManifest(JoinInputs.rejection(open, errorClass, reason));
        next.setResults(Map.of());
        return complete(next, CompletedBy.REJECTED, now, settings);
    }

    /**
     * The job completed by its deadline when the deadline has passed and the open round has not completed: its
     * result lists what arrived; branches without a result are MISSING.
     */
    public static Step deadlinePassed(JobJoinState state, Instant now, JoinSettings settings) {
        JobManifest manifest = state.getManifest();
        boolean open = manifest != null && state.getCompletedRound() < manifest.getRound();
        if (!open || state.getDeadlineAt() == null || state.getDeadlineAt().isAfter(now)) {
            return new Step(state, Optional.empty());
        }
        return complete(copy(state), CompletedBy.DEADLINE, now, settings);
    }

    private static Step complete(JobJoinState next, CompletedBy rule, Instant now, JoinSettings settings) {
        JobManifest manifest = next.getManifest();
        JobResult result = ResultSize.fit(RoundResult.of(manifest, next.getResults(), rule, now),
                settings.maxResultBytes());
        next.setCompletedRound(manifest.getRound());
        next.setCompletedAt(now);
        next.setCompletedStatus(result.getStatus());
        next.setCompletedBy(rule.name());
        next.setDeadlineAt(null);
        next.setAggregatingFor(null);
        next.setExpiresAt(now.plus(settings.finishedRetention()));
        return new Step(next, Optional.of(result)).withSlots(CappedJob.withdraw(next));
    }

    private static Instant deadline(JobManifest manifest, JoinSettings settings) {
        Long deadlineMs = manifest.getCompletion().getDeadlineMs();
        return manifest.getSubmittedAt().plus(deadlineMs != null ? Duration.ofMillis(deadlineMs)
                : settings.defaultDeadline());
    }

    private static boolean isLate(JobJoinState state, JoinInput input) {
        int round = switch (input) {
            case JoinInput.Manifest m -> m.manifest().getRound();
            case JoinInput.Result r -> r.result().getRound();
            case JoinInput.Control c -> c.control().getRound() == 0 ? Integer.MAX_VALUE : c.control().getRound();
            case JoinInput.Grant g -> g.grant().getRound();
        };
        return round <= state.getCompletedRound();
    }

    /**
     * A shallow copy: the next state shares the unchanged parts (the manifest and its specs, the results) with
     * the one it was made from. Safe because the join sets new parts rather than changing them in place — all but
     * the results map, which {@link #keep} adds to — and cheap: a deep copy of a large job's state on every input
     * was most of the join's time.
     */
    static JobJoinState copy(JobJoinState state) {
        JobJoinState copy = new JobJoinState();
        for (org.apache.avro.Schema.Field field : JobJoinState.getClassSchema().getFields()) {
            copy.put(field.pos(), state.get(field.pos()));
        }
        return copy;
    }

    /**
     * Keeps {@code result} in the state's results map, in place: copying a wide job's map for every result made its
     * join quadratic in the job's width. So {@link #apply} owns the results map of the state it is given — the
     * caller keeps using only the state it gets back (as {@link JobJoinProcessor} does).
     */
    private static void keep(JobJoinState state, BranchResult result) {
        Map<String, BranchResult> results = state.getResults();
        if (!(results instanceof HashMap)) {
            results = new HashMap<>(results);
            state.setResults(results);
        }
        BranchResult kept = results.get(result.getBranchId());
        if (kept == null || kept.getStatus() != BranchStatus.SUCCEEDED) {
            if (kept != null && JoinStores.same(kept, result)) {
                return; // the same result again (redelivered): counted once
            }
            results.put(result.getBranchId(), result);
            if (state.getManifest() != null) { // results before the manifest are counted when it comes
                JobWindow.count(state, kept, result);
                state.setSpent(Spend.add(state.getSpent(), result));
            }
        }
    }
}

package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchSpec;
import io.braid.schema.BranchTask;
import io.braid.schema.ErrorClass;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.SlotGrant;
import io.braid.schema.SlotMessage;
import io.braid.schema.SlotRelease;
import io.braid.schema.SlotRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The join's side of a tenant's concurrency cap, for a job whose manifest names an {@code admissionTenant}: the
 * dispatcher published none of its tasks; the join asks the tenant's admission ({@link TenantAdmission}) for slots
 * once per round, publishes one next task per slot granted, gives a slot back on each task branch's first result,
 * and withdraws the round (freeing what it still holds) when the round ends. Pure, like {@link JobJoin}; the counts
 * live in the job's state ({@code slotsAskedRound}, {@code heldSlots}, {@code publishedTasks}).
 */
final class CappedJob {

    private CappedJob() {
    }

    static boolean capped(JobManifest manifest) {
        return manifest != null && manifest.getAdmissionTenant() != null;
    }

    /** The round's slot request, recording in {@code next} that it asked; empty when it asked already. */
    static List<SlotMessage> ask(JobJoinState next) {
        JobManifest manifest = next.getManifest();
        if (!capped(manifest) || next.getSlotsAskedRound() >= manifest.getRound()) {
            return List.of();
        }
        next.setSlotsAskedRound(manifest.getRound());
        next.setHeldSlots(0);
        int tasks = ManifestIndex.of(manifest).taskCount();
        int wanted = Math.max(0, tasks - next.getPublishedTasks());
        if (wanted == 0) {
            return List.of();
        }
        Integer window = manifest.getMaxConcurrency();
        return List.of(new SlotMessage(SlotRequest.newBuilder().setTenant(manifest.getAdmissionTenant())
                .setJobId(manifest.getJobId()).setRound(manifest.getRound()).setWanted(wanted)
                .setWindow(window == null ? Math.max(1, tasks) : window).setPriority(manifest.getPriority())
                .setSubmittedAt(manifest.getSubmittedAt()).build()));
    }

    /**
     * A grant: the next {@code slots} tasks of the round, published. Refused (dead-lettered, nothing changes) when
     * the job did not ask for this round or is not capped; slots it cannot use (more than it has tasks left, branches
     * that have a result already) are given back at once, so the admission's count stays exact.
     */
    static JobJoin.Step granted(JobJoinState state, SlotGrant grant, Instant now) {
        JobManifest manifest = state.getManifest();
        if (!capped(manifest) || !manifest.getAdmissionTenant().equals(grant.getTenant())
                || state.getSlotsAskedRound() != grant.getRound() || manifest.getRound() != grant.getRound()
                || grant.getSlots() < 1) {
            return JobJoin.Step.refused(state, ErrorClass.RefusedInput, "grant of " + grant.getSlots()
                    + " slot(s) of tenant '" + grant.getTenant() + "' for job '" + grant.getJobId() + "' round "
                    + grant.getRound() + ", which did not ask for it: ignored");
        }
        JobJoinState next = JobJoin.copy(state);
        if (next.getAggregatingFor() != null) { // the branches are done: nothing left to publish
            next.setHeldSlots(next.getHeldSlots() + grant.getSlots());
            return new JobJoin.Step(next, Optional.empty()).withSlots(release(next, grant.getSlots()));
        }
        ManifestIndex index = ManifestIndex.of(manifest);
        List<BranchTask> tasks = new ArrayList<>();
        int unused = 0;
        for (int i = 0; i < grant.getSlots(); i++) {
            int place = next.getPublishedTasks();
            if (place >= index.taskCount()) {
                unused++;
                continue;
            }
            next.setPublishedTasks(place + 1);
            BranchSpec spec = index.task(manifest, place);
            if (next.getResults().containsKey(spec.getBranchId())) {
                unused++; // a result came before its task was published: its place is done now (as JobWindow)
                next.setFinishedTasks(next.getFinishedTasks() + 1);
            } else {
                tasks.add(JobWindow.task(manifest, spec, now));
            }
        }
        next.setHeldSlots(next.getHeldSlots() + grant.getSlots());
        return new JobJoin.Step(next, Optional.empty(), tasks, List.of()).withSlots(release(next, unused));
    }

    /**
     * After a result: one slot back per task branch that just got its first result ({@code finishedBefore} is the
     * round's finished task count before it), while the round holds any. A step that completed the job withdrew
     * already.
     */
    static JobJoin.Step released(JobJoin.Step step, int finishedBefore) {
        JobJoinState next = step.state();
        if (!capped(next.getManifest()) || step.completed().isPresent()) {
            return step;
        }
        return step.withSlots(release(next, next.getFinishedTasks() - finishedBefore));
    }

    /** The round's withdrawal when it ends (all it holds freed, its request forgotten); empty if it never asked. */
    static List<SlotMessage> withdraw(JobJoinState next) {
        JobManifest manifest = next.getManifest();
        if (!capped(manifest) || next.getSlotsAskedRound() != manifest.getRound()) {
            return List.of();
        }
        next.setHeldSlots(0);
        return List.of(new SlotMessage(SlotRelease.newBuilder().setTenant(manifest.getAdmissionTenant())
                .setJobId(manifest.getJobId()).setRound(manifest.getRound()).setWithdraw(true).build()));
    }

    /** Gives back up to {@code slots} of what {@code next} holds (never more), counting them off. */
    private static List<SlotMessage> release(JobJoinState next, int slots) {
        int freed = Math.min(slots, next.getHeldSlots());
        if (freed <= 0) {
            return List.of();
        }
        next.setHeldSlots(next.getHeldSlots() - freed);
        JobManifest manifest = next.getManifest();
        return List.of(new SlotMessage(SlotRelease.newBuilder().setTenant(manifest.getAdmissionTenant())
                .setJobId(manifest.getJobId()).setRound(manifest.getRound()).setSlots(freed).build()));
    }
}

package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A job's window, kept by the join: at most {@code maxConcurrency} of the open round's task branches are published
 * and unfinished at once. The dispatcher (or a replay) publishes the first window; each time a task branch of the
 * round gets its first result the join publishes the next one, in the same transaction as it keeps the result — so
 * {@code published - finished <= window} holds on the tasks topic, and a restart neither loses nor repeats a task.
 * Pure, like {@link JobJoin}; the counters live in the state ({@code publishedTasks}, {@code finishedTasks}).
 */
final class JobWindow {

    private JobWindow() {
    }

    /** How many of the round's tasks the first window publishes: all of them without a window. */
    static int firstWindow(JobManifest manifest) {
        if (CappedJob.capped(manifest)) {
            return 0; // its tenant's admission grants its tasks
        }
        int tasks = ManifestIndex.of(manifest).taskCount();
        Integer window = manifest.getMaxConcurrency();
        return window == null ? tasks : Math.min(window, tasks);
    }

    /**
     * The tasks to publish now so that the window is full again ({@code window + finished}, at most every task),
     * advancing {@code next}'s published count. Branches that already have a result are passed over.
     */
    static List<BranchTask> topUp(JobJoinState next, Instant now) {
        JobManifest manifest = next.getManifest();
        Integer window = manifest.getMaxConcurrency();
        if (window == null || CappedJob.capped(manifest)) {
            return List.of();
        }
        ManifestIndex index = ManifestIndex.of(manifest);
        int finished = next.getFinishedTasks();
        int place = next.getPublishedTasks();
        List<BranchTask> published = new ArrayList<>();
        while (place < Math.min(index.taskCount(), (long) window + finished)) {
            BranchSpec spec = index.task(manifest, place++);
            if (next.getResults().containsKey(spec.getBranchId())) {
                finished++; // a result came before its task was published here: its place is done now
            } else {
                published.add(task(manifest, spec, now));
            }
        }
        next.setPublishedTasks(place);
        next.setFinishedTasks(finished);
        return published;
    }

    /** The task of {@code spec} in the manifest's round, as the dispatcher builds it (specs carry the job's hedge). */
    static BranchTask task(JobManifest manifest, BranchSpec spec, Instant now) {
        return BranchTask.newBuilder()
                .setJobId(manifest.getJobId())
                .setRound(manifest.getRound())
                .setBranch(spec)
                .setInputs(manifest.getInputs())
                .setMetadata(manifest.getMetadata())
                .setDispatchedAt(now)
                .setDispatchId(manifest.getDispatchId())
                .build();
    }

    /**
     * Counts what the join needs per result from scratch, once per round (a manifest admitted, a replay opened, a
     * state of an older Braid): the manifest's branches with a result, those that succeeded, and the round's
     * published task branches with a result (so {@code publishedTasks} is set first).
     */
    static void recount(JobJoinState next) {
        ManifestIndex index = ManifestIndex.of(next.getManifest());
        int finished = 0;
        int succeeded = 0;
        int finishedTasks = 0;
        for (Map.Entry<String, BranchResult> entry : next.getResults().entrySet()) {
            if (index.kind(entry.getKey()) == null) {
                continue;
            }
            finished++;
            if (entry.getValue().getStatus() == BranchStatus.SUCCEEDED) {
                succeeded++;
            }
            int place = index.taskPlace(entry.getKey());
            if (place >= 0 && place < next.getPublishedTasks()) {
                finishedTasks++;
            }
        }
        next.setFinishedBranches(finished);
        next.setSucceededBranches(succeeded);
        next.setFinishedTasks(finishedTasks);
    }

    /** Counts {@code result}, which replaced {@code kept} (null: the branch's first result) in {@code next}. */
    static void count(JobJoinState next, BranchResult kept, BranchResult result) {
        ManifestIndex index = ManifestIndex.of(next.getManifest());
        String branchId = result.getBranchId();
        if (index.kind(branchId) == null) {
            return;
        }
        boolean succeeded = result.getStatus() == BranchStatus.SUCCEEDED;
        if (kept == null) {
            next.setFinishedBranches(next.getFinishedBranches() + 1);
            int place = index.taskPlace(branchId);
            if (place >= 0 && place < next.getPublishedTasks()) {
                // only a published task frees a place in the window; an early result is counted when topUp
                // reaches its place, so a result for an unpublished branch cannot widen the window
                next.setFinishedTasks(next.getFinishedTasks() + 1);
            }
        }
        if (succeeded) {
            next.setSucceededBranches(next.getSucceededBranches() + 1);
        }
    }
}

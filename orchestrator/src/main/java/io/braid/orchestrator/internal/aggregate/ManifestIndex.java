package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobManifest;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the join looks up in a manifest on every result, indexed once per manifest: a branch's kind, and the open
 * round's task branches in the order their window publishes them (round 1: the non-JOB branches in manifest order; a
 * replay: its replayed branches) with each one's place. Without it a result of a 10,000-branch job scanned every
 * branch. The index holds positions, not specs, and its cache (one per job, least recently used dropped first) holds
 * the manifest weakly: it keeps no manifest alive that the join's state cache has let go.
 */
final class ManifestIndex {

    /** Jobs whose index is kept; a job whose index was dropped gets it rebuilt on its next input, O(branches). */
    static final int CAPACITY = 1024;

    private record Indexed(WeakReference<JobManifest> manifest, ManifestIndex index) {
    }

    private static final Map<String, Indexed> INDEXES = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Indexed> eldest) {
            return size() > CAPACITY;
        }
    };

    private final Map<String, BranchKind> kinds = new HashMap<>();
    private final int[] taskSpecs;
    private final Map<String, Integer> taskPlaces = new HashMap<>();

    private ManifestIndex(JobManifest manifest) {
        for (BranchRef branch : manifest.getBranches()) {
            kinds.put(branch.getBranchId(), branch.getKind());
        }
        List<BranchSpec> specs = manifest.getSpecs();
        Map<String, Integer> specPositions = new HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            specPositions.put(specs.get(i).getBranchId(), i);
        }
        List<Integer> tasks = manifest.getReplayedBranches().isEmpty()
                ? java.util.stream.IntStream.range(0, specs.size())
                        .filter(i -> specs.get(i).getKind() != BranchKind.JOB).boxed().toList()
                : manifest.getReplayedBranches().stream().map(specPositions::get)
                        .filter(java.util.Objects::nonNull).toList();
        taskSpecs = tasks.stream().mapToInt(Integer::intValue).toArray();
        for (int place = 0; place < taskSpecs.length; place++) {
            taskPlaces.put(specs.get(taskSpecs[place]).getBranchId(), place);
        }
    }

    /** The index of {@code manifest}, built on first use (and again when the job's manifest was replaced). */
    static ManifestIndex of(JobManifest manifest) {
        synchronized (INDEXES) {
            Indexed entry = INDEXES.get(manifest.getJobId());
            if (entry == null || entry.manifest().get() != manifest) {
                entry = new Indexed(new WeakReference<>(manifest), new ManifestIndex(manifest));
                INDEXES.put(manifest.getJobId(), entry);
            }
            return entry.index();
        }
    }

    /** The kind of branch {@code branchId}; null when the manifest has no such branch. */
    BranchKind kind(String branchId) {
        return kinds.get(branchId);
    }

    /** How many task branches the open round has. */
    int taskCount() {
        return taskSpecs.length;
    }

    /** The spec of the open round's task at {@code place} (0 = published first), from {@code manifest}. */
    BranchSpec task(JobManifest manifest, int place) {
        return manifest.getSpecs().get(taskSpecs[place]);
    }

    /** Where {@code branchId} is among the round's tasks; -1 when it is not a task of the open round. */
    int taskPlace(String branchId) {
        Integer place = taskPlaces.get(branchId);
        return place == null ? -1 : place;
    }
}

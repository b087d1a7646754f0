package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobManifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the join looks up in a manifest on every result, indexed once per manifest: a branch's kind, and the open
 * round's task branches in the order their window publishes them (round 1: the non-JOB branches in manifest order; a
 * replay: its replayed branches) with each one's place. Without it a result of a 10,000-branch job scanned every
 * branch. Indexes are kept per manifest object (the join replaces a manifest, never changes it), a bounded number.
 */
final class ManifestIndex {

    /** Indexes kept: as many as the join's state cache holds states, so an open job's is rarely rebuilt. */
    static final int CAPACITY = JoinStateCache.CAPACITY;

    private static final Map<Identity, ManifestIndex> INDEXES = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Identity, ManifestIndex> eldest) {
            return size() > CAPACITY;
        }
    };

    private final Map<String, BranchKind> kinds = new HashMap<>();
    private final List<BranchSpec> tasks = new ArrayList<>();
    private final Map<String, Integer> taskPlaces = new HashMap<>();

    private ManifestIndex(JobManifest manifest) {
        for (BranchRef branch : manifest.getBranches()) {
            kinds.put(branch.getBranchId(), branch.getKind());
        }
        Map<String, BranchSpec> specs = new HashMap<>();
        manifest.getSpecs().forEach(spec -> specs.put(spec.getBranchId(), spec));
        if (manifest.getReplayedBranches().isEmpty()) {
            manifest.getSpecs().stream().filter(spec -> spec.getKind() != BranchKind.JOB).forEach(this::addTask);
        } else {
            manifest.getReplayedBranches().stream().map(specs::get).filter(java.util.Objects::nonNull)
                    .forEach(this::addTask);
        }
    }

    private void addTask(BranchSpec spec) {
        taskPlaces.put(spec.getBranchId(), tasks.size());
        tasks.add(spec);
    }

    /** The index of {@code manifest}, built on first use. */
    static ManifestIndex of(JobManifest manifest) {
        Identity key = new Identity(manifest);
        synchronized (INDEXES) {
            ManifestIndex index = INDEXES.get(key);
            if (index == null) {
                index = new ManifestIndex(manifest);
                INDEXES.put(key, index);
            }
            return index;
        }
    }

    /** The kind of branch {@code branchId}; null when the manifest has no such branch. */
    BranchKind kind(String branchId) {
        return kinds.get(branchId);
    }

    /** The open round's task branches, in the order they are published. */
    List<BranchSpec> tasks() {
        return tasks;
    }

    /** Where {@code branchId} is among {@link #tasks()}; -1 when it is not a task of the open round. */
    int taskPlace(String branchId) {
        Integer place = taskPlaces.get(branchId);
        return place == null ? -1 : place;
    }

    /** A manifest as a key by identity: Avro's equals and hashCode walk the whole record. */
    private record Identity(JobManifest manifest) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity identity && identity.manifest == manifest;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(manifest);
        }
    }
}

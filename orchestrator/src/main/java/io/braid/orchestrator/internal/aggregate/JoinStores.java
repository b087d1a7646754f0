package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchResult;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.HashMap;
import java.util.Map;

/**
 * How a job's join state is laid out in the stores: the {@link JobJoinState} without its manifest and branch results
 * in one store, its manifest (with every branch's spec) in a second, written once per round, and each kept branch
 * result under {@code <jobId> NUL <branchId>} in a third. A result arriving then writes one small result and a small
 * state (its window and spend counters) to the changelogs instead of the whole, growing state (which cost
 * O(branches²) bytes per job). {@link #assemble} puts them back together for the join and for status queries.
 */
public final class JoinStores {

    private static final char SEPARATOR = '\u0000';
    private static final StringSerializer KEYS = new StringSerializer();

    private JoinStores() {
    }

    public static String resultKey(String jobId, String branchId) {
        return jobId + SEPARATOR + branchId;
    }

    static String resultPrefix(String jobId) {
        return jobId + SEPARATOR;
    }

    /**
     * Writes {@code state} without its manifest and results (they are stored apart) unless it equals
     * {@code previous} (the state it was computed from, or null), and its manifest when it is not the very object
     * {@code previous} had (the join replaces a manifest, never changes it: once per round). The manifest and results
     * are set aside while the store serializes the value, which costs no copy, and put back before returning.
     */
    static void putState(KeyValueStore<String, JobJoinState> states, KeyValueStore<String, JobManifest> manifests,
                         String jobId, JobJoinState state, JobJoinState previous) {
        JobManifest manifest = state.getManifest();
        JobManifest previousManifest = previous == null ? null : previous.getManifest();
        if (manifest != null && manifest != previousManifest) {
            manifests.put(jobId, manifest);
        }
        Map<String, BranchResult> stateResults = state.getResults();
        Map<String, BranchResult> previousResults = previous == null ? null : previous.getResults();
        state.setResults(Map.of());
        state.setManifest(null);
        if (previous != null) {
            previous.setResults(Map.of());
            previous.setManifest(null);
        }
        try {
            if (previous == null || !same(state, previous)) {
                states.put(jobId, state);
            }
        } finally {
            state.setResults(stateResults);
            state.setManifest(manifest);
            if (previous != null) {
                previous.setResults(previousResults);
                previous.setManifest(previousManifest);
            }
        }
    }

    /**
     * Whether two records hold the same values. Avro's generated equals cannot compare an array of records that
     * hold timestamps (it throws); such a pair counts as different, which only costs a write.
     */
    static boolean same(Object a, Object b) {
        try {
            return java.util.Objects.equals(a, b);
        } catch (org.apache.avro.AvroRuntimeException e) {
            return false;
        }
    }

    /** The job's whole state (its results included), or null when it has none. */
    public static JobJoinState assemble(ReadOnlyKeyValueStore<String, JobJoinState> states,
                                        ReadOnlyKeyValueStore<String, JobManifest> manifests,
                                        ReadOnlyKeyValueStore<String, BranchResult> results, String jobId) {
        JobJoinState state = states.get(jobId);
        if (state == null) {
            return null;
        }
        if (state.getManifest() == null) { // states written before the manifest was stored apart hold their own
            state.setManifest(manifests.get(jobId));
        }
        Map<String, BranchResult> kept = new HashMap<>(state.getResults()); // states written before the split
        try (KeyValueIterator<String, BranchResult> entries = results.prefixScan(resultPrefix(jobId), KEYS)) {
            while (entries.hasNext()) {
                KeyValue<String, BranchResult> entry = entries.next();
                kept.put(entry.value.getBranchId(), entry.value);
            }
        }
        state.setResults(kept);
        return state;
    }
}

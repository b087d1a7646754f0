package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchResult;
import io.braid.schema.JobJoinState;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.HashMap;
import java.util.Map;

/**
 * How a job's join state is laid out in the stores: the {@link JobJoinState} without its branch results in one
 * store, each kept branch result under {@code <jobId> NUL <branchId>} in another. A result arriving then writes
 * one small record to a changelog instead of the whole, growing state (which cost O(branches²) bytes per job).
 * {@link #assemble} puts them back together for the join and for status queries.
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
     * Writes {@code state} without its results (they are stored apart) unless it equals {@code previous} (the
     * state it was computed from, or null). The results are set aside while the store serializes the value, which
     * costs no copy, and put back before returning.
     */
    static void putState(KeyValueStore<String, JobJoinState> states, String jobId, JobJoinState state,
                         JobJoinState previous) {
        Map<String, BranchResult> stateResults = state.getResults();
        Map<String, BranchResult> previousResults = previous == null ? null : previous.getResults();
        state.setResults(Map.of());
        if (previous != null) {
            previous.setResults(Map.of());
        }
        try {
            if (previous == null || !same(state, previous)) {
                states.put(jobId, state);
            }
        } finally {
            state.setResults(stateResults);
            if (previous != null) {
                previous.setResults(previousResults);
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
                                        ReadOnlyKeyValueStore<String, BranchResult> results, String jobId) {
        JobJoinState state = states.get(jobId);
        if (state == null) {
            return null;
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

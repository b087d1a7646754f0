package io.braid.orchestrator.aggregate;

import io.braid.schema.BranchResult;
import io.braid.schema.JobJoinState;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
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

package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.JobJoinState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Open jobs' assembled states kept in memory by one join task, least recently used dropped first, so an input
 * costs neither deserializing the state nor serializing more than what changed. The stores stay the truth: the
 * cache is cleared whenever the task is (re)initialized or closed, which is when Streams may have rebuilt them.
 */
final class JoinStateCache {

    /** Assembled states kept: the open jobs of a busy instance, bounded. */
    static final int CAPACITY = 10_000;

    private final Map<String, JobJoinState> states = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JobJoinState> eldest) {
            return size() > CAPACITY;
        }
    };

    JobJoinState get(String jobId) {
        return states.get(jobId);
    }

    void put(String jobId, JobJoinState state) {
        states.put(jobId, state);
    }

    void remove(String jobId) {
        states.remove(jobId);
    }

    void clear() {
        states.clear();
    }
}

package io.braid.client;

import io.braid.schema.JobResult;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A job's results as read from the job-results topic, one per round: the first record of each round (a repeat of
 * a round, possible after a crash in low-latency mode, is the same result). The job's answer is its latest round:
 * a replay runs failed branches again in a new round and keeps every earlier success, so the highest round holds
 * the most complete result.
 *
 * @param jobId   the job
 * @param byRound the results read, by round
 */
public record JobRounds(String jobId, SortedMap<Integer, JobResult> byRound) {

    /** Copies {@code byRound}; the record is immutable. */
    public JobRounds {
        byRound = Collections.unmodifiableSortedMap(new TreeMap<>(byRound));
    }

    /** True when no result of the job was read. */
    public boolean isEmpty() {
        return byRound.isEmpty();
    }

    /** The highest round read, or 0 when none. */
    public int latestRound() {
        return byRound.isEmpty() ? 0 : byRound.lastKey();
    }

    /** The result of the highest round read: the job's answer as far as the topic says. */
    public Optional<JobResult> latest() {
        return byRound.isEmpty() ? Optional.empty() : Optional.of(byRound.get(byRound.lastKey()));
    }

    /** The result of round {@code round} (1: the job as submitted; 2, 3, ...: replays), if it was read. */
    public Optional<JobResult> round(int round) {
        return Optional.ofNullable(byRound.get(round));
    }
}

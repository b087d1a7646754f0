package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchResult;
import io.braid.schema.JobJoinState;
import org.apache.kafka.streams.processor.api.Record;

import java.time.Clock;
import java.time.Instant;

/** Where the join's steps take their time from: the clock, or (at least once) their inputs. */
sealed interface JoinTime {

    /** The time of the step that processes {@code record} for a job in {@code state}. */
    Instant ofInput(Record<String, JoinInput> record, JobJoinState state);

    /** The time of the step that handles a deadline due at {@code due}, fired at {@code now}. */
    Instant ofDeadline(Instant due, Instant now);

    /** Steps happen when the clock says (the exactly-once join: each step is processed once). */
    static JoinTime clock(Clock clock) {
        return new FromClock(clock);
    }

    /**
     * Steps take their time from their inputs, so processing the same inputs again after a crash produces the same
     * JobResult, completedAt included (the at-least-once join).
     */
    static JoinTime inputs() {
        return new FromInputs();
    }

    record FromClock(Clock clock) implements JoinTime {

        @Override
        public Instant ofInput(Record<String, JoinInput> record, JobJoinState state) {
            return clock.instant();
        }

        @Override
        public Instant ofDeadline(Instant due, Instant now) {
            return now;
        }
    }

    record FromInputs() implements JoinTime {

        /**
         * The record's timestamp, or the latest finish among the job's results when that is later. Results written
         * by several producers reach the partition out of timestamp order (one waits in its producer's batch while
         * a later one is appended), so the completing record may be older than a result already joined; a job does
         * not complete before its last branch finished. Both come from the stored state and the record, so a
         * replay computes the same time.
         */
        @Override
        public Instant ofInput(Record<String, JoinInput> record, JobJoinState state) {
            Instant time = Instant.ofEpochMilli(record.timestamp());
            if (record.value() instanceof JoinInput.Result r && r.result().getFinishedAt().isAfter(time)) {
                time = r.result().getFinishedAt();
            }
            for (BranchResult result : state.getResults().values()) {
                if (result.getFinishedAt().isAfter(time)) {
                    time = result.getFinishedAt();
                }
            }
            return time;
        }

        @Override
        public Instant ofDeadline(Instant due, Instant now) {
            return due;
        }
    }
}

package io.braid.orchestrator;

import io.braid.schema.policy.UsePolicy;

import java.time.Duration;
import java.util.Objects;

/**
 * The join's clocks: how long a job may stay open and how long its state is kept afterwards.
 *
 * @param defaultDeadline   a job's deadline, counted from submission, when its completion policy sets none: every
 *                          job ends, by its rule or by this
 * @param finishedRetention how long a finished job's state is kept (late duplicates are recognised, status is
 *                          served), then removed
 * @param orphanRetention   how long results whose manifest never arrives are kept
 * @param timerInterval     how often deadlines and expiries are checked (wall-clock punctuation)
 * @param maxResultBytes    the largest job result (serialized) the join publishes; a larger one is answered FAILED
 *                          with {@code ResultTooLarge} and without outputs (the record limit, see RecordLimits)
 * @param policy            the operator's tool and model policy, as the dispatcher applies it: a replay that moves a
 *                          job's branches to a model its tenant may not use is refused
 */
public record JoinSettings(Duration defaultDeadline, Duration finishedRetention, Duration orphanRetention,
                           Duration timerInterval, int maxResultBytes, UsePolicy policy) {

    public JoinSettings(Duration defaultDeadline, Duration finishedRetention, Duration orphanRetention,
                        Duration timerInterval) {
        this(defaultDeadline, finishedRetention, orphanRetention, timerInterval,
                io.braid.schema.RecordLimits.DEFAULT_RECORD_BYTES, UsePolicy.allowAll());
    }

    public JoinSettings withMaxResultBytes(int bytes) {
        return new JoinSettings(defaultDeadline, finishedRetention, orphanRetention, timerInterval, bytes, policy);
    }

    /** These settings judging replays by {@code value}. */
    public JoinSettings withPolicy(UsePolicy value) {
        return new JoinSettings(defaultDeadline, finishedRetention, orphanRetention, timerInterval, maxResultBytes,
                value);
    }

    public JoinSettings {
        Objects.requireNonNull(defaultDeadline, "defaultDeadline");
        Objects.requireNonNull(finishedRetention, "finishedRetention");
        Objects.requireNonNull(orphanRetention, "orphanRetention");
        Objects.requireNonNull(timerInterval, "timerInterval");
        Objects.requireNonNull(policy, "policy");
        requirePositive(defaultDeadline, "default job deadline");
        requirePositive(timerInterval, "timer interval");
        if (maxResultBytes < 1024) {
            throw new IllegalArgumentException("max job result bytes " + maxResultBytes + " must be 1024 or more");
        }
        if (finishedRetention.isNegative() || orphanRetention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative");
        }
    }

    public static JoinSettings defaults() {
        return new JoinSettings(Duration.ofMinutes(15), Duration.ofMinutes(10), Duration.ofMinutes(15),
                Duration.ofSeconds(1));
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " " + duration + " must be positive");
        }
    }
}

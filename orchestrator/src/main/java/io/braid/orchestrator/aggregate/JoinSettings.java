package io.braid.orchestrator.aggregate;

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
 */
public record JoinSettings(Duration defaultDeadline, Duration finishedRetention, Duration orphanRetention,
                           Duration timerInterval) {

    public JoinSettings {
        Objects.requireNonNull(defaultDeadline, "defaultDeadline");
        Objects.requireNonNull(finishedRetention, "finishedRetention");
        Objects.requireNonNull(orphanRetention, "orphanRetention");
        Objects.requireNonNull(timerInterval, "timerInterval");
        requirePositive(defaultDeadline, "default job deadline");
        requirePositive(timerInterval, "timer interval");
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

package io.braid.worker;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When and how long to wait before trying a failed branch again: exponential backoff with full jitter, capped,
 * and never shorter than a failure's Retry-After hint. Which failures are retriable is decided by
 * {@code Failures}; a task's own maxAttempts overrides {@link #defaultMaxAttempts()}; and the worker stops
 * retrying when the next attempt would not finish within the record lock (see {@code BranchRunner}).
 *
 * @param defaultMaxAttempts attempts including the first, when the task does not say
 * @param initialBackoff     the upper bound of the first wait
 * @param multiplier         growth of the bound per attempt
 * @param maxBackoff         cap of the bound (a Retry-After hint may ask for longer)
 */
public record RetryPolicy(int defaultMaxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (defaultMaxAttempts < 1) {
            throw new IllegalArgumentException("max attempts " + defaultMaxAttempts + " must be 1 or more");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initial (" + initialBackoff
                    + ") <= max (" + maxBackoff + ")");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("backoff multiplier " + multiplier + " must be 1.0 or more");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(30));
    }

    /** The wait before attempt {@code failedAttempt + 1}: uniform in [0, min(max, initial × multiplier^(n-1))]. */
    public Duration backoff(int failedAttempt, RandomGenerator random) {
        double bound = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
        long capped = (long) Math.min(bound, maxBackoff.toMillis());
        return Duration.ofMillis(capped == 0 ? 0 : random.nextLong(capped + 1));
    }

    /** The wait before attempt {@code failedAttempt + 1}: the jittered backoff, or the Retry-After hint if longer. */
    public Duration delayBefore(int failedAttempt, Optional<Duration> retryAfter, RandomGenerator random) {
        Duration backoff = backoff(failedAttempt, random);
        return retryAfter.filter(hint -> hint.compareTo(backoff) > 0).orElse(backoff);
    }
}

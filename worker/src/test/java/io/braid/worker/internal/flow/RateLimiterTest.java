package io.braid.worker.internal.flow;

import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.internal.config.RateLimitSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** One worker's part of a model's fleet-wide limit, on a clock that moves only when the test moves it. */
class RateLimiterTest {

    private final ManualClock clock = new ManualClock(JobFixtures.T0);

    /** How many calls of {@code tokens} start within {@code window}, each asking again after the wait it is told. */
    private int callsWithin(RateLimiter limiter, long tokens, Duration window) {
        long end = clock.instant().plus(window).toEpochMilli();
        int calls = 0;
        while (clock.instant().toEpochMilli() < end) {
            Duration wait = limiter.tryAcquire(tokens);
            if (wait.isZero()) {
                calls++;
            } else {
                clock.advance(wait);
            }
        }
        return calls;
    }

    @Test
    void holds_the_requests_per_minute_with_at_most_a_second_of_burst() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(600L, null), clock);

        int calls = callsWithin(limiter, 1, Duration.ofMinutes(1));

        // 600/min is one per 100 ms; the burst allows one second's worth (10) early
        assertThat(calls).isBetween(600, 611);
    }

    @Test
    void takes_the_workers_share_by_member_count() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(600L, null), clock);
        limiter.share(MemberShare.share(List.of("w1-0", "w1-1", "w2-0", "w2-1", "w3-0", "w3-1"), "w1", 2));

        assertThat(limiter.allowedRequestsPerMinute()).isCloseTo(200.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(callsWithin(limiter, 1, Duration.ofMinutes(1))).isBetween(200, 205);
    }

    @Test
    void member_share_counts_this_workers_consumers_even_before_they_joined() {
        assertThat(MemberShare.share(List.of("w2-0", "w2-1", "w2-2", "w2-3"), "w1", 4)).isEqualTo(0.5);
        assertThat(MemberShare.share(List.of("w1-0", "w1-1", "w2-0", "w2-1"), "w1", 2)).isEqualTo(0.5);
        assertThat(MemberShare.share(List.of(), "w1", 3)).isEqualTo(1.0);
        assertThat(MemberShare.share(List.of("w10-0"), "w1", 1)).as("w10 is not w1").isEqualTo(0.5);
    }

    @Test
    void a_429_halves_the_rate_and_pauses_until_retry_after_then_the_rate_grows_back() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(600L, null), clock);

        limiter.rateLimited(Optional.of(Duration.ofSeconds(3)));

        assertThat(limiter.factor()).isEqualTo(0.5);
        assertThat(limiter.tryAcquire(1)).isEqualTo(Duration.ofSeconds(3));
        limiter.rateLimited(Optional.of(Duration.ofSeconds(1)));
        assertThat(limiter.factor()).as("a 429 of a call sent before the pause does not halve again").isEqualTo(0.5);

        clock.advance(Duration.ofSeconds(3));
        assertThat(limiter.tryAcquire(1)).isZero();
        assertThat(callsWithin(limiter, 1, Duration.ofSeconds(2)))
                .as("300/min: 5 a second for 2 s, plus a second's burst, less the first").isBetween(13, 15);

        clock.advance(RateLimiter.INCREASE_EVERY.multipliedBy(2));
        assertThat(limiter.factor()).as("a tenth per 5 s since the pause ended: 12 s")
                .isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
        clock.advance(RateLimiter.INCREASE_EVERY.multipliedBy(10));
        assertThat(limiter.factor()).as("never above the share").isEqualTo(1.0);
        assertThat(limiter.allowedRequestsPerMinute()).isEqualTo(600.0);
    }

    @Test
    void a_long_retry_after_does_not_count_as_time_without_429s() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(600L, null), clock);

        limiter.rateLimited(Optional.of(Duration.ofMinutes(2)));
        clock.advance(Duration.ofMinutes(2));

        assertThat(limiter.factor()).isEqualTo(0.5);
        clock.advance(RateLimiter.INCREASE_EVERY);
        assertThat(limiter.factor()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void a_429_without_retry_after_pauses_a_second_and_429s_never_stop_the_model() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(600L, null), clock);

        for (int i = 0; i < 20; i++) {
            limiter.rateLimited(Optional.empty());
            assertThat(limiter.tryAcquire(1)).isEqualTo(RateLimiter.DEFAULT_PAUSE);
            clock.advance(RateLimiter.DEFAULT_PAUSE);
        }

        assertThat(limiter.factor()).isEqualTo(RateLimiter.MIN_FACTOR);
        assertThat(limiter.tryAcquire(1)).isZero();
    }

    @Test
    void tokens_are_reserved_at_the_estimate_and_settled_from_the_usage() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(null, 60_000L), clock);
        // 1,000 tokens a second: a call estimated at 2,000 tokens holds the next one back 1 s past the burst
        assertThat(limiter.tryAcquire(2_000)).isZero();
        assertThat(limiter.tryAcquire(10)).isEqualTo(Duration.ofSeconds(1));

        limiter.settle(2_000, 500); // it used 500: 1.5 s of allowance come back

        assertThat(limiter.tryAcquire(10)).isZero();
        assertThat(limiter.allowedTokensPerMinute()).isEqualTo(60_000.0);
        assertThat(limiter.allowedRequestsPerMinute()).isNull();
    }

    @Test
    void both_limits_apply_and_the_longer_wait_wins() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(6_000L, 6_000L), clock);
        // 100 requests/s but 100 tokens/s: calls of 50 tokens go at 2 a second (after the burst)
        int calls = callsWithin(limiter, 50, Duration.ofSeconds(10));

        assertThat(calls).isBetween(20, 23);
    }
}

package io.braid.worker.internal.flow;

import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.fleet.SlidingWindows;
import io.braid.worker.internal.config.RateLimitSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
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
    void holds_the_target_fraction_of_the_requests_per_minute_with_a_fifth_of_a_second_of_burst() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(600L, null), clock);

        int calls = callsWithin(limiter, 1, Duration.ofMinutes(1));

        // 95 % of 600/min is 570, one per 105 ms; the burst lets 0.2 s of that (one or two calls) go early
        assertThat(calls).isBetween(570, 573);
    }

    @Test
    void a_target_of_one_aims_at_the_whole_limit() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(600L, null, 1.0), clock);

        assertThat(callsWithin(limiter, 1, Duration.ofMinutes(1))).isBetween(600, 603);
        assertThat(limiter.allowedRequestsPerMinute()).isEqualTo(600.0);
    }

    @Test
    void a_fleet_of_four_started_together_stays_within_any_window_of_four_seconds() {
        // 1,000 requests a second for the fleet; four workers, a quarter each, all with calls waiting from the start
        List<RateLimiter> fleet = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(60_000L, null), clock);
            limiter.share(0.25);
            fleet.add(limiter);
        }
        List<Long> starts = new ArrayList<>();
        long end = clock.millis() + Duration.ofSeconds(20).toMillis();
        while (clock.millis() < end) {
            Duration soonest = null;
            for (RateLimiter limiter : fleet) {
                Duration wait = limiter.tryAcquire(1);
                while (wait.isZero()) {
                    starts.add(Duration.between(JobFixtures.T0, clock.instant()).toNanos());
                    wait = limiter.tryAcquire(1);
                }
                soonest = soonest == null || wait.compareTo(soonest) < 0 ? wait : soonest;
            }
            clock.advance(soonest);
        }

        // 95 % × (4 s + 0.2 s of burst) = 3,990 calls, within the 4,000 a 4 s window allows; a second of burst would
        // let 4,750 through
        assertThat(SlidingWindows.busiest(starts, Duration.ofSeconds(4))).isBetween(3_900, 4_000);
    }

    @Test
    void a_fleet_configured_above_the_providers_real_limit_settles_into_a_few_429s_not_a_storm() {
        // the config says 1,000 requests a second; the provider really allows 600 over a sliding 6 s window and
        // answers 429 with Retry-After 1 s (calls take no time here: each answer comes as the call starts)
        long windowNanos = Duration.ofSeconds(6).toNanos();
        int perWindow = 3_600;
        List<RateLimiter> fleet = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(60_000L, null), clock);
            limiter.share(0.25);
            fleet.add(limiter);
        }
        java.util.ArrayDeque<Long> accepted = new java.util.ArrayDeque<>();
        int acceptedLate = 0;
        int refusedLate = 0;
        long start = Duration.between(JobFixtures.T0, clock.instant()).toNanos();
        long late = start + Duration.ofSeconds(30).toNanos();
        long end = start + Duration.ofSeconds(90).toNanos();
        for (long now = start; now < end; now = Duration.between(JobFixtures.T0, clock.instant()).toNanos()) {
            Duration soonest = null;
            for (RateLimiter limiter : fleet) {
                Duration wait = limiter.tryAcquire(1);
                while (wait.isZero()) {
                    while (!accepted.isEmpty() && accepted.peekFirst() <= now - windowNanos) {
                        accepted.pollFirst();
                    }
                    boolean admitted = accepted.size() < perWindow;
                    if (admitted) {
                        accepted.addLast(now);
                    } else {
                        limiter.rateLimited(Optional.of(Duration.ofSeconds(1)));
                    }
                    if (now >= late) {
                        acceptedLate += admitted ? 1 : 0;
                        refusedLate += admitted ? 0 : 1;
                    }
                    wait = limiter.tryAcquire(1);
                }
                soonest = soonest == null || wait.compareTo(soonest) < 0 ? wait : soonest;
            }
            clock.advance(soonest);
        }

        double seconds = Duration.ofSeconds(60).toNanos() / 1e9;
        assertThat(acceptedLate / seconds).as("most of what the provider really allows (600/s)").isGreaterThan(540);
        assertThat((double) refusedLate / (acceptedLate + refusedLate)).as("429s are a small fraction of the calls")
                .isLessThan(0.005);
    }

    @Test
    void takes_the_workers_share_by_member_count() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(600L, null), clock);
        limiter.share(MemberShare.share(List.of("w1-0", "w1-1", "w2-0", "w2-1", "w3-0", "w3-1"), "w1", 2));

        assertThat(limiter.allowedRequestsPerMinute()).isCloseTo(190.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(callsWithin(limiter, 1, Duration.ofMinutes(1))).isBetween(190, 192);
    }

    @Test
    void member_share_is_read_often_while_the_membership_moves_and_seldom_once_it_is_still() {
        Duration refresh = Duration.ofSeconds(5);
        List<Duration> waits = new ArrayList<>();
        Duration wait = MemberShare.nextRefresh(null, true, refresh);
        for (int read = 0; read < 6; read++) {
            waits.add(wait);
            wait = MemberShare.nextRefresh(wait, false, refresh);
        }

        assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), refresh, refresh);
        assertThat(MemberShare.nextRefresh(refresh, true, refresh)).as("a worker joined or left")
                .isEqualTo(MemberShare.FIRST_REFRESH);
        assertThat(MemberShare.nextRefresh(null, true, Duration.ofMillis(200))).as("never slower than asked")
                .isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void member_share_counts_this_workers_consumers_even_before_they_joined() {
        assertThat(MemberShare.share(List.of("w2-0", "w2-1", "w2-2", "w2-3"), "w1", 4)).isEqualTo(0.5);
        assertThat(MemberShare.share(List.of("w1-0", "w1-1", "w2-0", "w2-1"), "w1", 2)).isEqualTo(0.5);
        assertThat(MemberShare.share(List.of(), "w1", 3)).isEqualTo(1.0);
        assertThat(MemberShare.share(List.of("w10-0"), "w1", 1)).as("w10 is not w1").isEqualTo(0.5);
    }

    @Test
    void a_429_halves_the_rate_and_pauses_until_retry_after_then_the_rate_grows_back_within_5_s() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(600L, null, 1.0), clock);

        limiter.rateLimited(Optional.of(Duration.ofSeconds(3)));

        assertThat(limiter.factor()).isEqualTo(0.5);
        assertThat(limiter.tryAcquire(1)).isEqualTo(Duration.ofSeconds(3));
        limiter.rateLimited(Optional.of(Duration.ofSeconds(1)));
        assertThat(limiter.factor()).as("a 429 of a call sent before the pause does not halve again").isEqualTo(0.5);

        clock.advance(Duration.ofSeconds(3));
        assertThat(limiter.tryAcquire(1)).isZero();
        assertThat(limiter.allowedRequestsPerMinute()).isEqualTo(300.0);
        assertThat(callsWithin(limiter, 1, Duration.ofMillis(400)))
                .as("300/min: 5 a second, one every 200 ms, plus a fifth of a second's burst, less the first")
                .isBetween(2, 3);

        clock.advance(Duration.ofMillis(2_100));
        assertThat(limiter.factor()).as("a twentieth per 500 ms since the pause ended: 2.5 s")
                .isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-9));
        clock.advance(Duration.ofMillis(2_500));
        assertThat(limiter.factor()).as("the whole share 5 s after the pause").isEqualTo(1.0);
        clock.advance(Duration.ofSeconds(10));
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
        assertThat(limiter.factor()).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-9));
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
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(null, 60_000L, 1.0), clock);
        // 1,000 tokens a second: a call estimated at 2,000 tokens holds the next one back 2 s less the burst
        RateLimiter.Turn turn = limiter.take(2_000);
        assertThat(turn.granted()).isTrue();
        assertThat(limiter.tryAcquire(10)).isEqualTo(Duration.ofMillis(1_800));

        limiter.settle(turn, 100); // it used 100: 1.9 s of allowance come back

        assertThat(limiter.tryAcquire(10)).isZero();
        assertThat(limiter.allowedTokensPerMinute()).isEqualTo(60_000.0);
        assertThat(limiter.allowedRequestsPerMinute()).isNull();
    }

    @Test
    void both_limits_apply_and_the_longer_wait_wins() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(6_000L, 6_000L, 1.0), clock);
        // 100 requests/s but 100 tokens/s: calls of 50 tokens go at 2 a second (after the burst)
        int calls = callsWithin(limiter, 50, Duration.ofSeconds(10));

        assertThat(calls).isBetween(20, 22);
    }

    @Test
    void one_call_reserves_at_most_five_seconds_of_the_allowance_however_many_tokens_it_asks() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(null, 60_000L, 1.0), clock);

        RateLimiter.Turn huge = limiter.take(Integer.MAX_VALUE); // a maxOutputTokens of 2,147,483,647
        assertThat(huge.granted()).isTrue();
        assertThat(huge.tokens()).as("5 s at 1,000 tokens a second").isEqualTo(5_000);
        assertThat(limiter.tryAcquire(10)).as("the next call waits those 5 s less the burst, not 25 days")
                .isEqualTo(Duration.ofMillis(4_800));
        RateLimiter fresh = new RateLimiter("fast", new RateLimitSpec(null, 60_000L, 1.0), clock);
        assertThat(fresh.take(-5).tokens()).as("a negative estimate reserves nothing").isZero();
        assertThat(fresh.tryAcquire(10)).isZero();
    }

    @Test
    void a_call_that_failed_after_it_was_sent_is_settled_at_its_input_and_gives_the_rest_back() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(null, 60_000L, 1.0), clock);
        RateLimiter.Turn turn = limiter.take(3_000);

        limiter.settle(turn, 200); // a 400 after the provider read its 200 tokens of prompt

        assertThat(limiter.tryAcquire(10)).isZero();
        assertThat(limiter.tryAcquire(10)).as("only the 200 + 10 tokens, less the burst, before it, not 3,000")
                .isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void a_429_gives_its_token_reservation_back() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(null, 60_000L, 1.0), clock);
        RateLimiter.Turn turn = limiter.take(4_000);

        limiter.rateLimited(Optional.of(Duration.ofSeconds(1)), turn);
        clock.advance(Duration.ofSeconds(1));

        assertThat(limiter.tryAcquire(10)).as("the pause is over and the 4,000 tokens were never spent").isZero();
    }

    @Test
    void a_settle_after_a_halving_refunds_at_the_interval_of_the_reservation() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(null, 60_000L, 1.0), clock);
        RateLimiter.Turn first = limiter.take(1_000); // 1 s of schedule at 1,000 tokens a second
        clock.advance(Duration.ofMillis(800));
        assertThat(limiter.take(4_000).granted()).isTrue(); // the schedule is at 5 s
        limiter.rateLimited(Optional.of(Duration.ofMillis(100))); // another call's 429: 500 tokens a second now
        clock.advance(Duration.ofMillis(100));

        limiter.settle(first, 0); // the 1 s it reserved comes back, not 2 s

        assertThat(limiter.tryAcquire(10)).as("4 s of schedule left, less the burst, at 0.9 s")
                .isEqualTo(Duration.ofMillis(2_900));
    }

    @Test
    void the_backlog_counts_the_calls_waiting_for_their_turn_not_only_the_next_free_turn() {
        RateLimiter limiter = new RateLimiter("slow", new RateLimitSpec(60L, null, 1.0), clock); // one a second
        assertThat(limiter.backlog()).isZero();
        assertThat(limiter.take(1).granted()).isTrue();
        for (int i = 0; i < 300; i++) {
            assertThat(limiter.waiting(1)).as("no token limit: counted as a request only").isZero();
        }

        assertThat(limiter.backlog()).as("0.8 s to the next turn, then 300 calls at one a second")
                .isEqualTo(Duration.ofMillis(300_800));

        for (int i = 0; i < 300; i++) {
            limiter.doneWaiting(0);
        }
        assertThat(limiter.backlog()).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void the_token_backlog_caps_each_waiting_call_as_its_reservation_is_capped() {
        RateLimiter limiter = new RateLimiter("fast", new RateLimitSpec(null, 60_000L, 1.0), clock);
        assertThat(limiter.waiting(Integer.MAX_VALUE)).isEqualTo(5_000);
        assertThat(limiter.waiting(1_000)).isEqualTo(1_000);

        assertThat(limiter.backlog()).as("5 s for the huge one, 1 s for the other, less the burst")
                .isEqualTo(Duration.ofMillis(5_800));
    }
}

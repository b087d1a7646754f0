package io.braid.bench.internal;

import io.braid.testing.RateLimitedModelServer;
import io.braid.testing.RateLimitedModelServer.Second;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The rate-limit scenario's figures from the fake provider's per-second counts. */
class RateLimitRunTest {

    /** 600 requests and 60,000 tokens a minute: 10 requests and 1,000 tokens a second. */
    private static final RateLimitedModelServer.Limits LIMITS = RateLimitedModelServer.Limits.perMinute(600, 60_000);

    @Test
    void counts_429s_while_settling_and_after_apart() {
        List<Second> seconds = new ArrayList<>();
        for (long s = 0; s < 20; s++) {
            seconds.add(new Second(s, 5, 100, s < 10 ? 3 : s == 15 ? 2 : 0));
        }

        RateLimitRun run = RateLimitRun.of(seconds, LIMITS, 100, 10, 21.0);

        assertThat(run.rejectedWhileSettling()).isEqualTo(30);
        assertThat(run.rejectedAfterSettling()).isEqualTo(2);
        assertThat(run.unanswered()).isZero();
    }

    @Test
    void reports_the_binding_limits_share_between_settling_and_the_last_partial_second() {
        List<Second> seconds = new ArrayList<>();
        for (long s = 0; s < 10; s++) {
            seconds.add(new Second(s, 20, 2_000, 0)); // while settling: not counted
        }
        for (long s = 10; s < 20; s++) {
            seconds.add(new Second(s, 4, 950, 0)); // tokens bind: 95 % of 1,000 a second; requests 40 %
        }
        seconds.add(new Second(20, 1, 10, 0)); // the last, partial second: not counted

        RateLimitRun run = RateLimitRun.of(seconds, LIMITS, 300, 10, 21.0);

        assertThat(run.percentOfAllowed()).isCloseTo(95.0, within(1e-9));
        assertThat(run.unanswered()).isEqualTo(300 - 200 - 40 - 1);
    }

    @Test
    void has_no_rate_when_too_few_seconds_follow_settling() {
        List<Second> seconds = List.of(new Second(0, 5, 50, 0), new Second(11, 5, 50, 0));

        assertThat(RateLimitRun.of(seconds, LIMITS, 10, 10, 12.0).percentOfAllowed()).isNaN();
    }
}

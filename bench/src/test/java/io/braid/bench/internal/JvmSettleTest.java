package io.braid.bench.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A measured run starts once the JVM has collected its garbage and gone quiet. */
class JvmSettleTest {

    private static volatile long spins;

    @Test
    void an_idle_jvm_settles_after_one_quiet_window() {
        JvmSettle.Outcome outcome = JvmSettle.settle(Duration.ofSeconds(20));

        assertThat(outcome.quiet()).isTrue();
        assertThat(outcome.took()).isGreaterThanOrEqualTo(JvmSettle.WINDOW);
        assertThat(outcome.corePercent()).isLessThanOrEqualTo(JvmSettle.QUIET_CORE_PERCENT);
    }

    @Test
    void a_busy_jvm_is_reported_as_not_quiet_when_the_limit_passes() throws Exception {
        Thread spinner = Thread.ofPlatform().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                spins++; // a core kept busy
            }
        });
        try {
            JvmSettle.Outcome outcome = JvmSettle.settle(Duration.ofSeconds(2));

            assertThat(outcome.quiet()).isFalse();
            assertThat(outcome.corePercent()).isGreaterThan(JvmSettle.QUIET_CORE_PERCENT);
            assertThat(outcome.describe()).startsWith("; settled ").endsWith("(not quiet within the limit)");
        } finally {
            spinner.interrupt();
            spinner.join();
        }
    }

    @Test
    void the_outcome_says_how_long_and_how_quiet() {
        assertThat(new JvmSettle.Outcome(Duration.ofMillis(1_450), 12.4, true).describe())
                .isEqualTo("; settled 1.5 s before, to 12 % of a core");
        assertThat(new JvmSettle.Outcome(Duration.ZERO, Double.NaN, false).describe()).isEmpty();
    }
}

package io.braid.worker.internal.flow;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The output a call without an output limit reserves under a token limit, learned from the reported usage. */
class OutputEstimateTest {

    @Test
    void starts_at_the_default_and_follows_what_the_calls_produce() {
        OutputEstimate estimate = new OutputEstimate();
        assertThat(estimate.tokens()).isEqualTo(Tokens.DEFAULT_OUTPUT_ESTIMATE);

        for (int call = 0; call < 100; call++) {
            estimate.observe(20);
        }
        assertThat(estimate.tokens()).as("short answers: the reservation shrinks to them").isBetween(20, 21);

        for (int call = 0; call < 100; call++) {
            estimate.observe(1_000);
        }
        assertThat(estimate.tokens()).as("a new workload of long answers").isBetween(990, 1_000);
    }

    @Test
    void never_reserves_less_than_one_token() {
        OutputEstimate estimate = new OutputEstimate();
        for (int call = 0; call < 1_000; call++) {
            estimate.observe(0);
        }
        assertThat(estimate.tokens()).isEqualTo(1);
    }
}

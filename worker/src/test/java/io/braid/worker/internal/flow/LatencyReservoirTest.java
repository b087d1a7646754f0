package io.braid.worker.internal.flow;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A model's observed p95, for hedges without a delay of their own. */
class LatencyReservoirTest {

    @Test
    void no_p95_before_enough_calls_then_the_95th_percentile_of_the_last_calls() {
        LatencyReservoir latencies = new LatencyReservoir();
        for (int i = 1; i < LatencyReservoir.MIN_SAMPLES; i++) {
            latencies.record(Duration.ofMillis(i));
        }
        assertThat(latencies.p95()).isEmpty();

        for (int i = LatencyReservoir.MIN_SAMPLES; i <= 100; i++) {
            latencies.record(Duration.ofMillis(i));
        }
        assertThat(latencies.p95()).contains(Duration.ofMillis(95));

        for (int i = 0; i < LatencyReservoir.SIZE; i++) {
            latencies.record(Duration.ofMillis(1_000 + (i % 100)));
        }
        assertThat(latencies.p95()).as("only the last %s calls count", LatencyReservoir.SIZE)
                .hasValueSatisfying(p95 -> assertThat(p95.toMillis()).isBetween(1_090L, 1_099L));
    }
}

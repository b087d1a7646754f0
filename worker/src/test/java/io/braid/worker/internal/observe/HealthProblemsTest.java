package io.braid.worker.internal.observe;

import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Passing troubles clear or go stale; a part that stopped stays reported. */
class HealthProblemsTest {

    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private final HealthProblems problems = new HealthProblems(clock);

    @Test
    void a_passing_trouble_counts_until_cleared_or_no_longer_reported() {
        problems.report("schema registry", "503");
        clock.advance(Duration.ofSeconds(20));
        problems.report("schema registry", "timed out");

        assertThat(problems.summary()).isEqualTo("schema registry: timed out (since 2026-01-01T00:00:00Z)");
        clock.advance(HealthProblems.STALE_AFTER.minusSeconds(1));
        assertThat(problems.none()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(problems.none()).isTrue();

        problems.report("schema registry", "503");
        problems.clear("schema registry");
        assertThat(problems.summary()).isNull();
    }

    @Test
    void a_part_that_stopped_is_never_cleared() {
        problems.died("control listener", new InternalError("boom"));
        problems.clear("control listener");
        problems.report("control listener", "later trouble");
        clock.advance(Duration.ofHours(1));

        assertThat(problems.fatal()).isTrue();
        assertThat(problems.summary()).contains("control listener stopped: java.lang.InternalError: boom");
    }
}

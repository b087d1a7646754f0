package io.braid.spring;

import io.braid.schema.Topics;
import io.braid.spring.internal.PendingJobs;
import io.braid.spring.internal.TemplateMeters;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link BraidTemplate#submit} refuses before it sends anything (no broker: nothing is sent). */
class BraidTemplateSubmitTest {

    private final PendingJobs pending = new PendingJobs(10, TemplateMeters.NONE);
    private final BraidTemplate braid = new BraidTemplate(null, null, null, pending, new Topics("braid."),
            new BraidProperties.TemplateProperties(true, Duration.ofMinutes(15), Duration.ofSeconds(30), 10),
            TemplateMeters.NONE);

    @Test
    void a_per_call_timeout_outside_the_propertys_range_is_refused_naming_it() {
        for (Duration timeout : new Duration[]{null, Duration.ZERO, Duration.ofMillis(500), Duration.ofDays(8),
                Duration.ofSeconds(Long.MAX_VALUE)}) {
            assertThatThrownBy(() -> braid.submit(JobFixtures.llmJob("j", 1), timeout, null))
                    .as("timeout %s", timeout)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the timeout of submit(job, timeout, onEvent) = " + timeout)
                    .hasMessageContaining("is outside PT1S to PT168H (job j; as braid.template.result-timeout)");
        }
        assertThat(pending.size()).isZero();
    }
}

package io.braid.orchestrator.internal;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicRetentionTest {

    private static Config config(String policy, String retentionMs) {
        return new Config(List.of(new ConfigEntry("cleanup.policy", policy),
                new ConfigEntry("retention.ms", retentionMs)));
    }

    @Test
    void only_a_topic_that_deletes_by_time_limits_a_deadline() {
        assertThat(TopicRetention.of("t", config("delete", "60000")))
                .isEqualTo(new TopicRetention("t", Duration.ofMinutes(1)));
        assertThat(TopicRetention.of("t", config("compact,delete", "60000")).retention())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(TopicRetention.of("t", config("delete", "-1"))).isEqualTo(TopicRetention.NONE);
        assertThat(TopicRetention.of("t", config("compact", "60000"))).isEqualTo(TopicRetention.NONE);
    }

    @Test
    void a_deadline_longer_than_the_retention_is_a_problem_naming_the_topic() {
        TopicRetention tasks = new TopicRetention("braid.tasks", Duration.ofMinutes(3));
        assertThat(tasks.problem(180_000)).isNull();
        assertThat(tasks.problem(180_001)).startsWith("completion.deadlineMs 180001 is longer than the retention of "
                + "topic braid.tasks (retention.ms 180000)");
        assertThat(TopicRetention.NONE.problem(Long.MAX_VALUE)).isNull();
        tasks.check(Duration.ofMinutes(3));
        assertThatThrownBy(() -> tasks.check(Duration.ofMinutes(15)))
                .hasMessageContaining("topic braid.tasks keeps records for retention.ms 180000")
                .hasMessageContaining("--default-job-deadline PT15M");
    }
}

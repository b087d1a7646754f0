package io.braid.schema.kafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaVersionTest {

    @Test
    void versions_compare_by_major_and_minor() {
        assertThat(KafkaVersion.atLeast("4.4.0", 4, 4)).isTrue();
        assertThat(KafkaVersion.atLeast("4.10.1", 4, 4)).isTrue();
        assertThat(KafkaVersion.atLeast("5.0.0", 4, 4)).isTrue();
        assertThat(KafkaVersion.atLeast("4.3.2", 4, 4)).isFalse();
        assertThat(KafkaVersion.atLeast("4.2.2", 4, 4)).isFalse();
        assertThat(KafkaVersion.atLeast("unknown", 4, 4)).isFalse();
    }

    @Test
    void the_clients_braid_builds_with_need_no_warning() {
        assertThat(KafkaVersion.clients()).hasValueSatisfying(version ->
                assertThat(KafkaVersion.atLeast(version, 4, 4)).as(version).isTrue());
        assertThat(KafkaVersion.shareConsumerWarning()).isEmpty();
    }
}

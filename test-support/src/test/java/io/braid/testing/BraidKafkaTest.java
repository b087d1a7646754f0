package io.braid.testing;

import io.braid.testing.BraidKafka.Mode;
import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BraidKafkaTest {

    private static final BooleanSupplier YES = () -> true;
    private static final BooleanSupplier NO = () -> false;
    private static final BooleanSupplier NOT_ASKED = () -> {
        throw new AssertionError("Docker was asked about");
    };

    @Test
    void auto_takes_a_container_only_with_testcontainers_and_docker() {
        assertThat(BraidKafka.choose(null, YES, YES)).isEqualTo(Mode.CONTAINER);
        assertThat(BraidKafka.choose("auto", YES, NO)).isEqualTo(Mode.IN_PROCESS);
        assertThat(BraidKafka.choose(" AUTO ", NO, NOT_ASKED)).isEqualTo(Mode.IN_PROCESS);
    }

    @Test
    void off_never_asks_docker_and_on_insists() {
        assertThat(BraidKafka.choose("off", YES, NOT_ASKED)).isEqualTo(Mode.IN_PROCESS);
        assertThat(BraidKafka.choose("on", YES, YES)).isEqualTo(Mode.CONTAINER);
        assertThatThrownBy(() -> BraidKafka.choose("on", YES, NO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("braid.testcontainers=on, but no Docker engine answers");
        assertThatThrownBy(() -> BraidKafka.choose("on", NO, NOT_ASKED))
                .hasMessageContaining("testcontainers-kafka is not on the test class path");
    }

    @Test
    void another_setting_is_refused_naming_it() {
        assertThatThrownBy(() -> BraidKafka.choose("docker", YES, YES)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("braid.testcontainers=docker is not off, on or auto");
    }

    @Test
    void without_testcontainers_on_the_class_path_start_runs_the_in_process_broker() {
        try (BraidKafka kafka = BraidKafka.start()) {
            assertThat(kafka.mode()).isEqualTo(Mode.IN_PROCESS);
            assertThat(kafka.springProperties()).containsEntry("spring.kafka.bootstrap-servers",
                    kafka.bootstrapServers()).containsEntry("braid.registry-url", kafka.registryUrl());
        }
    }
}

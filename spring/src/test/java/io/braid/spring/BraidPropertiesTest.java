package io.braid.spring;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The braid.* properties: bound, checked (an absurd value stops the application naming it), documented. */
class BraidPropertiesTest {

    @Configuration
    @EnableBraidWorker
    static class WithWorker {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, BraidAutoConfiguration.class))
            .withPropertyValues("braid.template.enabled=false");

    @Test
    void properties_bind_with_their_defaults_and_overrides() {
        context.withPropertyValues("braid.template.result-timeout=2m", "braid.topic-prefix=acme.",
                "braid.worker.max-in-flight=32").run(app -> {
            BraidProperties properties = app.getBean(BraidProperties.class);
            assertThat(properties.template().resultTimeout()).isEqualTo(Duration.ofMinutes(2));
            assertThat(properties.template().maxPendingJobs()).isEqualTo(10_000);
            assertThat(properties.topics().jobs()).isEqualTo("acme.jobs");
            assertThat(properties.worker().maxInFlight()).isEqualTo(32);
            assertThat(properties.worker().recordsPerPoll()).isEqualTo(16);
            assertThat(properties.registryUrl()).isEqualTo("http://localhost:8081");
        });
    }

    @Test
    void an_absurd_value_stops_the_application_with_a_message_naming_the_property() {
        assertStartupFails("braid.template.max-pending-jobs=0", "braid.template.max-pending-jobs = 0");
        assertStartupFails("braid.template.result-timeout=-5s", "braid.template.result-timeout = PT-5S");
        assertStartupFails("braid.topic-prefix=a b", "braid.topic-prefix");
        assertStartupFails("braid.worker.max-in-flight=0", "braid.worker.max-in-flight = 0");
        assertStartupFails("braid.worker.records-per-poll=500", "braid.worker.records-per-poll = 500");
    }

    @Test
    void the_workers_own_checks_name_the_property_group() {
        context.withUserConfiguration(WithWorker.class)
                .withPropertyValues("braid.worker.record-lock-duration=5s", "braid.worker.default-timeout=60s")
                .run(app -> assertThat(app).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("braid.worker: default branch timeout 60 s does not fit in the "
                                + "record lock of 5 s"));
    }

    @Test
    void the_jar_carries_the_properties_metadata_for_ide_completion() throws Exception {
        try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(metadata).as("spring-configuration-metadata.json").isNotNull();
            String json = new String(metadata.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"name\": \"braid.template.result-timeout\"", "\"defaultValue\": \"15m\"",
                    "\"name\": \"braid.worker.max-in-flight\"", "\"name\": \"braid.registry-url\"");
        }
    }

    private void assertStartupFails(String property, String message) {
        context.withPropertyValues(property).run(app -> assertThat(app).hasFailed().getFailure()
                .rootCause().hasMessageContaining(message));
    }
}

package io.braid.orchestrator;

import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.Topics;
import io.braid.schema.registry.RegisteredSchema;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryException;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.ManualClock;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaSetupTest {

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicInteger pauses = new AtomicInteger();
    private final SchemaSetupOptions options = SchemaSetupOptions.defaults().withDeadline(Duration.ofSeconds(10))
            .withTime(clock, d -> {
                pauses.incrementAndGet();
                clock.advance(d);
            });

    /** A registry that is unreachable for the first {@code failures} calls, then {@code registry}. */
    private SchemaRegistry awayFor(int failures) {
        AtomicInteger calls = new AtomicInteger();
        return new SchemaRegistry() {
            @Override
            public int register(String subject, Schema schema) {
                if (calls.incrementAndGet() <= failures) {
                    throw new SchemaRegistryException("cannot reach the schema registry at http://registry:8081",
                            new java.net.ConnectException("Connection refused"));
                }
                return registry.register(subject, schema);
            }

            @Override
            public Schema schemaById(int id) {
                return registry.schemaById(id);
            }

            @Override
            public RegisteredSchema latest(String subject) {
                return registry.latest(subject);
            }
        };
    }

    @Test
    void registers_every_topic_schema_under_its_value_subject_with_backward_compatibility() {
        Map<String, Integer> ids = SchemaSetup.registerAll(registry, topics, options);

        assertThat(ids).containsOnlyKeys("braid.jobs-value", "braid.manifests-value", "braid.tasks-value",
                "braid.tasks.high-value", "braid.results-value", "braid.job-results-value", "braid.job-events-value", "braid.control-value",
                "braid.workers-value");
        assertThat(registry.latest("braid.jobs-value").schema()).isEqualTo(JobRequest.getClassSchema());
        assertThat(registry.latest("braid.job-results-value").schema()).isEqualTo(JobResult.getClassSchema());
        assertThat(registry.compatibility("braid.jobs-value")).isEqualTo("BACKWARD");
    }

    @Test
    void registering_again_keeps_the_same_ids_and_versions() {
        Map<String, Integer> first = SchemaSetup.registerAll(registry, topics, options);
        Map<String, Integer> second = SchemaSetup.registerAll(registry, topics, options);

        assertThat(second).isEqualTo(first);
        assertThat(registry.latest("braid.jobs-value").version()).isEqualTo(1);
    }

    @Test
    void an_unreachable_registry_is_tried_again_until_it_answers() {
        Map<String, Integer> ids = SchemaSetup.registerAll(awayFor(3), topics, options);

        assertThat(ids).hasSize(9);
        assertThat(pauses).hasValue(3);
    }

    @Test
    void a_registry_away_past_the_deadline_fails_the_start_naming_the_deadline_and_the_registry() {
        assertThatThrownBy(() -> SchemaSetup.registerAll(awayFor(Integer.MAX_VALUE), topics, options))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("within 10 s")
                .hasMessageContaining("http://registry:8081")
                .hasMessageContaining("--registry-url");
        assertThat(pauses).hasValue(5);
    }

    @Test
    void a_refused_schema_fails_the_start_at_once() {
        SchemaRegistry refusing = new SchemaRegistry() {
            @Override
            public int register(String subject, Schema schema) {
                throw new SchemaRegistryException("schema registry POST /subjects/braid.jobs-value/versions "
                        + "answered 409: Schema being registered is incompatible", 409, 409);
            }

            @Override
            public Schema schemaById(int id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public RegisteredSchema latest(String subject) {
                throw new UnsupportedOperationException();
            }
        };
        assertThatThrownBy(() -> SchemaSetup.registerAll(refusing, topics, options))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused Braid's schemas")
                .hasMessageContaining("409");
        assertThat(pauses).hasValue(0);
    }

    @Test
    void a_registry_that_cannot_set_levels_still_gets_the_schemas() {
        SchemaRegistry noLevels = awayFor(0); // the interface's default setCompatibility is unsupported
        assertThat(SchemaSetup.registerAll(noLevels, topics, options)).hasSize(9);
        assertThat(registry.compatibility("braid.jobs-value")).isNull();
    }

    @Test
    void absurd_settings_are_refused_naming_the_setting() {
        assertThatThrownBy(() -> options.withDeadline(Duration.ofHours(2)))
                .hasMessageContaining("schema registration deadline PT2H");
        assertThatThrownBy(() -> options.withDeadline(Duration.ofSeconds(-1)))
                .hasMessageContaining("schema registration deadline");
        assertThatThrownBy(() -> options.withCompatibility("SIDEWAYS"))
                .hasMessageContaining("schema compatibility level 'SIDEWAYS'");
        assertThat(options.withCompatibility("full").compatibility()).isEqualTo("FULL");
    }
}

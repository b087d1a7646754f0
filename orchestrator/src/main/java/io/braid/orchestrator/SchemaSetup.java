package io.braid.orchestrator;

import io.braid.schema.TopicSchemas;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryException;
import io.braid.schema.serde.Subjects;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the schema of every record Braid writes or reads ({@link TopicSchemas}) under its topic's subject
 * ({@code <topic>-value}) and sets each subject's compatibility level, so a client in any language finds the latest
 * version without registering anything (Confluent's {@code auto.register.schemas=false, use.latest.version=true}).
 *
 * <p>Idempotent: a schema already registered under its subject keeps its id and version. An unreachable registry
 * is tried again until {@link SchemaSetupOptions#deadline()}, then start-up fails naming the registry; a registry
 * that refuses a schema (incompatible, unauthorized) fails start-up at once. A registry that refuses to set the
 * compatibility level (no permission, not supported) is logged and the level left as it is.
 */
public final class SchemaSetup {

    private static final Logger log = LoggerFactory.getLogger(SchemaSetup.class);

    private SchemaSetup() {
    }

    /** Registers the schemas of {@code topics}; returns subject to schema id. */
    public static Map<String, Integer> registerAll(SchemaRegistry registry, Topics topics,
                                                   SchemaSetupOptions options) {
        Instant giveUp = options.clock().instant().plus(options.deadline());
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int round = 1; ; round++) {
            try {
                for (Map.Entry<String, Schema> entry : TopicSchemas.byTopic(topics).entrySet()) {
                    String subject = Subjects.valueSubject(entry.getKey());
                    if (!ids.containsKey(subject)) {
                        ids.put(subject, registerOne(registry, subject, entry.getValue(), options.compatibility()));
                    }
                }
                log.info("Braid's schemas are registered: {}", ids);
                return ids;
            } catch (SchemaRegistryException e) {
                if (!e.retriable()) {
                    throw new IllegalStateException("the schema registry refused Braid's schemas: " + e.getMessage()
                            + "; a subject holding an incompatible schema must be fixed (or its compatibility "
                            + "level changed) before this orchestrator can start", e);
                }
                if (!options.clock().instant().isBefore(giveUp)) {
                    String advice = "check --registry-url and that the registry is running";
                    throw new IllegalStateException("cannot register Braid's schemas within "
                            + options.deadline().toSeconds() + " s (" + round + " rounds): " + e.getMessage()
                            + (e.getMessage().contains(advice) ? "" : "; " + advice), e);
                }
                log.warn("cannot register Braid's schemas yet (round {}), trying again in {}: {}", round,
                        options.retryPause(), e.getMessage());
                pause(options);
            }
        }
    }

    private static int registerOne(SchemaRegistry registry, String subject, Schema schema, String level) {
        if (level != null) {
            try {
                registry.setCompatibility(subject, level);
            } catch (SchemaRegistryException e) {
                if (e.retriable()) {
                    throw e;
                }
                log.warn("cannot set compatibility {} on subject {}, leaving it as the registry has it: {}", level,
                        subject, e.getMessage());
            } catch (UnsupportedOperationException e) {
                log.warn("cannot set compatibility {} on subject {}: {}", level, subject, e.getMessage());
            }
        }
        return registry.register(subject, schema);
    }

    private static void pause(SchemaSetupOptions options) {
        try {
            options.pause().sleep(options.retryPause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the schema registry", e);
        }
    }
}

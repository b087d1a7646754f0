package io.braid.schema.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that Braid's serdes need.
 *
 * <p>{@link SchemaRegistryClient} talks to any registry serving Confluent's REST API (Confluent Schema Registry,
 * Apicurio's ccompat API, Karapace, or Braid's embedded registry).
 */
public interface SchemaRegistry {

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** The newest version registered under {@code subject}. */
    RegisteredSchema latest(String subject);

    /**
     * Sets the compatibility level of {@code subject} ({@code PUT /config/{subject}}), e.g. {@code BACKWARD}; a
     * subject need not exist yet. Registries that cannot set it answer {@link UnsupportedOperationException}.
     */
    default void setCompatibility(String subject, String level) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot set compatibility levels");
    }
}

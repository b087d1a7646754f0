package io.braid.registry;

import io.braid.schema.kafka.KafkaConnection;

import java.util.Objects;

/**
 * Settings of the embedded schema registry.
 *
 * @param kafka      the Kafka cluster that stores the schemas, with the client properties of a secured one (TLS,
 *                   SASL) its store's producer, consumer and admin client use
 * @param host       the address the HTTP API listens on (loopback by default)
 * @param port       the HTTP port; 0 picks a free one
 * @param storeTopic the compacted topic holding every registered schema (created when missing)
 */
public record RegistryOptions(KafkaConnection kafka, String host, int port, String storeTopic) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8081;
    public static final String DEFAULT_STORE_TOPIC = "_braid_schemas";

    public RegistryOptions {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(storeTopic, "storeTopic");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("registry port " + port + " is out of range 0-65535 (0 = any free port)");
        }
    }

    /** A registry on a plain-text Kafka. */
    public RegistryOptions(String bootstrapServers, String host, int port, String storeTopic) {
        this(KafkaConnection.plain(bootstrapServers), host, port, storeTopic);
    }

    public static RegistryOptions defaults(String bootstrapServers) {
        return defaults(KafkaConnection.plain(bootstrapServers));
    }

    public static RegistryOptions defaults(KafkaConnection kafka) {
        return new RegistryOptions(kafka, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_STORE_TOPIC);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public RegistryOptions withPort(int newPort) {
        return new RegistryOptions(kafka, host, newPort, storeTopic);
    }
}

package io.braid.registry;

import java.util.Objects;

/**
 * Settings of the embedded schema registry.
 *
 * @param bootstrapServers the Kafka cluster that stores the schemas
 * @param host             the address the HTTP API listens on (loopback by default)
 * @param port             the HTTP port; 0 picks a free one
 * @param storeTopic       the compacted topic holding every registered schema (created when missing)
 */
public record RegistryOptions(String bootstrapServers, String host, int port, String storeTopic) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8081;
    public static final String DEFAULT_STORE_TOPIC = "_braid_schemas";

    public RegistryOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(storeTopic, "storeTopic");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("registry port " + port + " is out of range 0-65535 (0 = any free port)");
        }
    }

    public static RegistryOptions defaults(String bootstrapServers) {
        return new RegistryOptions(bootstrapServers, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_STORE_TOPIC);
    }

    public RegistryOptions withPort(int newPort) {
        return new RegistryOptions(bootstrapServers, host, newPort, storeTopic);
    }
}

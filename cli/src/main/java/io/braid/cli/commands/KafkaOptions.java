package io.braid.cli.commands;

import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.registry.RegistryUrl;
import picocli.CommandLine.Option;

/** Where Kafka and the registry are; defaults are what {@code braid stack} serves. */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            defaultValue = "${env:BRAID_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (env BRAID_BOOTSTRAP_SERVERS; default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    /** The registry {@code braid stack} serves. */
    static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081";

    // The help names the variable and the built-in default, never the resolved value (${DEFAULT-VALUE}): the URL
    // may carry a password.
    @Option(names = "--registry-url", paramLabel = "URL",
            defaultValue = "${env:BRAID_REGISTRY_URL:-" + DEFAULT_REGISTRY_URL + "}",
            description = "Schema registry URL; user:password@ in it is sent as basic authentication, "
                    + "percent-encoded, or give them raw in env BRAID_REGISTRY_USERNAME and BRAID_REGISTRY_PASSWORD "
                    + "(env BRAID_REGISTRY_URL; default: " + DEFAULT_REGISTRY_URL + ")")
    String registryUrl;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            defaultValue = "${env:BRAID_TOPIC_PREFIX:-" + Topics.DEFAULT_PREFIX + "}",
            description = "Prefix of Braid's topics (env BRAID_TOPIC_PREFIX; default: ${DEFAULT-VALUE})")
    String topicPrefix;

    @Option(names = "--kafka-properties", paramLabel = "FILE", defaultValue = "${env:BRAID_KAFKA_PROPERTIES}",
            description = {"Kafka client properties for a secured cluster (security.protocol, sasl.*, ssl.*), "
                    + "given to every Kafka client (env BRAID_KAFKA_PROPERTIES)"})
    java.nio.file.Path kafkaProperties;

    /** The client properties of {@code --kafka-properties}, or none. */
    public java.util.Map<String, String> kafkaProperties() {
        return kafkaProperties == null ? java.util.Map.of() : KafkaConnection.loadProperties(kafkaProperties);
    }

    /** Bootstrap servers and client properties. */
    public KafkaConnection connection() {
        return new KafkaConnection(bootstrapServers, kafkaProperties());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The registry URL, with the credentials of {@code BRAID_REGISTRY_USERNAME} and {@code BRAID_REGISTRY_PASSWORD}
     * (raw, any characters; how a Kubernetes Secret hands them over) encoded into it when they are set.
     */
    public String registryUrl() {
        return RegistryUrl.withCredentials(registryUrl, System.getenv(REGISTRY_USERNAME_ENV),
                System.getenv(REGISTRY_PASSWORD_ENV));
    }

    /** The environment variables holding the registry's basic-authentication credentials, unencoded. */
    public static final String REGISTRY_USERNAME_ENV = "BRAID_REGISTRY_USERNAME";
    public static final String REGISTRY_PASSWORD_ENV = "BRAID_REGISTRY_PASSWORD";

    public Topics topics() {
        return new Topics(topicPrefix);
    }
}

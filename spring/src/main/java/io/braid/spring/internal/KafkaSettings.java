package io.braid.spring.internal;

import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka client settings from Spring's: {@code spring.kafka.*} ({@link KafkaProperties}) with the bootstrap servers
 * and security protocol of the {@link KafkaConnectionDetails} (which a {@code @ServiceConnection} or a test
 * fixture may provide), then Braid's own settings over them.
 */
public record KafkaSettings(KafkaProperties properties, KafkaConnectionDetails details) {

    /** The producer's settings, with {@code owned} over Spring's. */
    public Map<String, Object> producer(Map<String, Object> owned) {
        return merge(properties.buildProducerProperties(), details == null ? null : details.getProducer(), owned);
    }

    /** The consumer's settings, with {@code owned} over Spring's. */
    public Map<String, Object> consumer(Map<String, Object> owned) {
        return merge(properties.buildConsumerProperties(), details == null ? null : details.getConsumer(), owned);
    }

    /**
     * The schema registry's URL: the connection details' when they are a {@code BraidConnectionDetails}, else
     * {@code fromProperties} ({@code braid.registry-url}).
     */
    public String registryUrl(String fromProperties) {
        return details instanceof io.braid.spring.BraidConnectionDetails braid ? braid.getRegistryUrl()
                : fromProperties;
    }

    /** The bootstrap servers, as {@code host:port,host:port}. */
    public String bootstrapServers() {
        List<String> servers = details != null ? details.getBootstrapServers() : properties.getBootstrapServers();
        return String.join(",", servers);
    }

    /**
     * The security settings ({@code security.*}, {@code ssl.*}, {@code sasl.*}) of Spring's configuration, as text:
     * what the embedded worker gives every Kafka client it makes.
     */
    public Map<String, String> securitySettings() {
        Map<String, String> security = new TreeMap<>();
        Map<String, Object> admin = merge(properties.buildAdminProperties(), details == null ? null
                : details.getAdmin(), Map.of());
        admin.forEach((key, value) -> {
            if ((key.startsWith("security.") || key.startsWith("ssl.") || key.startsWith("sasl."))
                    && (value instanceof String || value instanceof Number || value instanceof Boolean)) {
                security.put(key, String.valueOf(value));
            }
        });
        return security;
    }

    private static Map<String, Object> merge(Map<String, Object> spring, KafkaConnectionDetails.Configuration client,
                                             Map<String, Object> owned) {
        Map<String, Object> config = new HashMap<>(spring);
        if (client != null) {
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", client.getBootstrapServers()));
            if (client.getSecurityProtocol() != null) {
                config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, client.getSecurityProtocol());
            }
        }
        config.putAll(owned);
        return config;
    }
}

package io.braid.spring;

import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;

import java.util.Arrays;
import java.util.List;

/**
 * Where Kafka and the schema registry are, as a bean — Spring Boot's service-connection pattern: declare one (e.g.
 * from a test fixture) and it wins over {@code spring.kafka.bootstrap-servers} and {@code braid.registry-url}, for
 * Braid's template and worker and, being {@link KafkaConnectionDetails}, for Spring's own Kafka beans too.
 *
 * <pre>{@code
 * @Bean
 * BraidConnectionDetails braid() {
 *     return BraidConnectionDetails.of(KAFKA.bootstrapServers(), KAFKA.registryUrl());   // e.g. a BraidKafka
 * }
 * }</pre>
 */
public interface BraidConnectionDetails extends KafkaConnectionDetails {

    /** The schema registry's base URL. */
    String getRegistryUrl();

    /** Plain-text Kafka at {@code bootstrapServers} ({@code host:port,host:port}) and the registry at {@code registryUrl}. */
    static BraidConnectionDetails of(String bootstrapServers, String registryUrl) {
        List<String> servers = Arrays.stream(bootstrapServers.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        if (servers.isEmpty() || registryUrl == null || registryUrl.isBlank()) {
            throw new IllegalArgumentException("Braid connection details need bootstrap servers and a registry URL, "
                    + "got '" + bootstrapServers + "' and '" + registryUrl + "'");
        }
        return new BraidConnectionDetails() {
            @Override
            public List<String> getBootstrapServers() {
                return servers;
            }

            @Override
            public String getRegistryUrl() {
                return registryUrl;
            }
        };
    }
}

package io.braid.spring;

import io.braid.spring.internal.KafkaSettings;
import io.braid.worker.WorkerOptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A {@link BraidConnectionDetails} bean wins over the properties, for Braid's beans and Spring's own Kafka beans. */
class BraidConnectionDetailsTest {

    @Configuration
    static class Connection {
        @Bean
        BraidConnectionDetails braidConnection() {
            return BraidConnectionDetails.of("127.0.0.1:19092, 127.0.0.1:19093", "http://127.0.0.1:18081");
        }
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, BraidAutoConfiguration.class))
            .withPropertyValues("braid.template.enabled=false", "spring.kafka.bootstrap-servers=elsewhere:9092",
                    "braid.registry-url=http://elsewhere:8081");

    @Test
    void the_connection_bean_wins_over_the_properties_everywhere() {
        context.withUserConfiguration(Connection.class).run(app -> {
            KafkaSettings kafka = app.getBean(KafkaSettings.class);
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:19092,127.0.0.1:19093");
            assertThat(kafka.registryUrl("http://elsewhere:8081")).isEqualTo("http://127.0.0.1:18081");
            assertThat(((DefaultKafkaProducerFactory<?, ?>) app.getBean(DefaultKafkaProducerFactory.class))
                    .getConfigurationProperties()).containsEntry("bootstrap.servers",
                    java.util.List.of("127.0.0.1:19092", "127.0.0.1:19093"));
            WorkerOptions worker = BraidWorkerLifecycle.options(app.getBean(BraidProperties.class), kafka, "app");
            assertThat(worker.bootstrapServers()).isEqualTo("127.0.0.1:19092,127.0.0.1:19093");
            assertThat(worker.registryUrl()).isEqualTo("http://127.0.0.1:18081");
            assertThat(worker.workerId()).startsWith("app-");
        });
    }

    @Test
    void without_the_bean_the_properties_apply() {
        context.run(app -> {
            KafkaSettings kafka = app.getBean(KafkaSettings.class);
            assertThat(kafka.bootstrapServers()).isEqualTo("elsewhere:9092");
            assertThat(kafka.registryUrl("http://elsewhere:8081")).isEqualTo("http://elsewhere:8081");
        });
    }

    @Test
    void empty_details_are_refused() {
        assertThatThrownBy(() -> BraidConnectionDetails.of(" , ", "http://r")).hasMessageContaining("bootstrap");
    }
}

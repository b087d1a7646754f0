package io.braid.spring;

import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroSerializer;
import io.braid.spring.internal.BraidHealthIndicators;
import io.braid.spring.internal.KafkaSettings;
import io.braid.spring.internal.MicrometerTemplateMeters;
import io.braid.spring.internal.PendingJobs;
import io.braid.spring.internal.ResultsListener;
import io.braid.spring.internal.TemplateMeters;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Braid's auto-configuration: the {@link BraidTemplate} (unless {@code braid.template.enabled=false}), its health
 * indicator and meters. The worker is opt-in: {@link EnableBraidWorker}.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnClass(KafkaTemplate.class)
@EnableConfigurationProperties({BraidProperties.class, KafkaProperties.class})
public class BraidAutoConfiguration {

    /** How far before the template's start results are read: a job sent just before still gets its result. */
    static final Duration READ_BACK = Duration.ofSeconds(30);

    /** Kafka settings from {@code spring.kafka.*} and the connection details. */
    @Bean
    @ConditionalOnMissingBean
    KafkaSettings braidKafkaSettings(KafkaProperties properties, ObjectProvider<KafkaConnectionDetails> details) {
        return new KafkaSettings(properties, details.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "braid.template.enabled", matchIfMissing = true)
    BraidTemplate braidTemplate(BraidProperties properties, KafkaSettings kafka,
                                ObjectProvider<TemplateMeters> meters, ObjectProvider<BraidEventListener> listeners) {
        BraidProperties.TemplateProperties settings = properties.template();
        TemplateMeters templateMeters = meters.getIfAvailable(() -> TemplateMeters.NONE);
        SchemaRegistryClient registry = new SchemaRegistryClient(kafka.registryUrl(properties.registryUrl()));
        long sendMs = settings.sendTimeout().toMillis();
        Map<String, Object> producer = kafka.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, sendMs,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) sendMs,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(sendMs, 30_000)));
        producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        KafkaTemplate<String, SpecificRecord> template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                producer, new StringSerializer(), new AvroSerializer<>(registry)));

        PendingJobs pending = new PendingJobs(settings.maxPendingJobs(), templateMeters);
        ResultsListener listener = new ResultsListener(properties.topics(), registry, pending,
                Instant.now().minus(READ_BACK).toEpochMilli());
        ContainerProperties container = new ContainerProperties(properties.topics().jobResults(),
                properties.topics().jobEvents());
        container.setGroupId("braid-template-" + UUID.randomUUID().toString().substring(0, 8));
        container.setAckMode(ContainerProperties.AckMode.MANUAL);
        container.setMessageListener(listener);
        Map<String, Object> consumer = kafka.consumer(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000));
        KafkaMessageListenerContainer<String, byte[]> results = new KafkaMessageListenerContainer<>(
                new DefaultKafkaConsumerFactory<>(consumer, new StringDeserializer(), new ByteArrayDeserializer()),
                container);
        results.setBeanName("braidTemplateResults");

        BraidTemplate braid = new BraidTemplate(template, results, listener, pending, properties.topics(), settings,
                templateMeters);
        templateMeters.pending(braid::pendingJobs);
        listeners.orderedStream().forEach(l -> braid.onEvents(l::onEvent));
        return braid;
    }

    /** The template's meters, in the application's registry when it has one. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class TemplateMetersConfiguration {

        @Bean
        @ConditionalOnMissingBean
        TemplateMeters braidTemplateMeters(ObjectProvider<MeterRegistry> registry) {
            MeterRegistry meters = registry.getIfAvailable();
            return meters == null ? TemplateMeters.NONE : new MicrometerTemplateMeters(meters);
        }
    }

    /** The template's health indicator, {@code braidTemplate}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class TemplateHealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "braidTemplateHealthIndicator")
        HealthIndicator braidTemplateHealthIndicator(ObjectProvider<BraidTemplate> template,
                                                     BraidProperties properties) {
            return BraidHealthIndicators.template(
                    () -> template.getIfAvailable() != null && template.getObject().isRunning(),
                    () -> template.getIfAvailable() == null ? 0 : template.getObject().resultPartitionsAssigned(),
                    () -> template.getIfAvailable() == null ? 0 : template.getObject().pendingJobs(),
                    properties.topics().jobResults());
        }
    }
}

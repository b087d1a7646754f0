package io.braid.spring;

import io.braid.spring.internal.BraidHealthIndicators;
import io.braid.spring.internal.KafkaSettings;
import io.braid.spring.internal.WorkerMeters;
import io.braid.worker.ProgressListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** What {@link EnableBraidWorker} imports: the worker, its meters and its health indicator. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({BraidProperties.class, KafkaProperties.class})
public class BraidWorkerConfiguration {

    @Bean
    BraidWorkerLifecycle braidWorker(BraidProperties properties, KafkaProperties kafka,
                                     ObjectProvider<KafkaConnectionDetails> details, Environment environment,
                                     ListableBeanFactory beans, ObjectProvider<ProgressListener> listeners) {
        return new BraidWorkerLifecycle(properties, new KafkaSettings(kafka, details.getIfAvailable()),
                environment.getProperty("spring.application.name"), beans, listeners.orderedStream().toList());
    }

    /** The worker's meters, in the application's registry when it has one. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class WorkerMetersConfiguration {

        @Bean
        ProgressListener braidWorkerMeters(ObjectProvider<MeterRegistry> registry, ObjectProvider<BraidWorkerLifecycle> worker) {
            MeterRegistry meters = registry.getIfAvailable();
            return meters == null ? ProgressListener.NONE
                    : new WorkerMeters(meters, () -> worker.getObject().inFlight());
        }
    }

    /** The worker's health indicator, {@code braidWorker}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class WorkerHealthConfiguration {

        @Bean
        HealthIndicator braidWorkerHealthIndicator(ObjectProvider<BraidWorkerLifecycle> worker) {
            return BraidHealthIndicators.worker(() -> worker.getObject().health());
        }
    }
}

package io.braid.spring;

import io.braid.schema.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Braid's settings in {@code application.yaml} ({@code braid.*}); Kafka itself is Spring's
 * ({@code spring.kafka.bootstrap-servers}, security, SSL). Every value is checked when bound: an absurd one stops
 * the application with a message naming the property.
 *
 * @param registryUrl the schema registry's base URL (any Confluent-compatible registry; Braid's embedded one)
 * @param topicPrefix the prefix of Braid's topic names, as the orchestrator has it (default {@code braid.})
 * @param template    the {@link BraidTemplate}'s settings
 * @param worker      the settings of the worker {@link EnableBraidWorker} starts
 */
@ConfigurationProperties("braid")
public record BraidProperties(
        @DefaultValue("http://localhost:8081") String registryUrl,
        @DefaultValue(Topics.DEFAULT_PREFIX) String topicPrefix,
        @DefaultValue TemplateProperties template,
        @NestedConfigurationProperty @DefaultValue WorkerProperties worker) {

    public BraidProperties {
        if (registryUrl == null || registryUrl.isBlank()) {
            throw new IllegalArgumentException("braid.registry-url is empty; set the schema registry's URL, e.g. "
                    + "http://localhost:8081");
        }
        try {
            new Topics(topicPrefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("braid.topic-prefix: " + e.getMessage());
        }
    }

    /** Braid's topic names under {@link #topicPrefix()}. */
    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /**
     * The {@link BraidTemplate}'s settings.
     *
     * @param enabled        whether to create a BraidTemplate (default true)
     * @param resultTimeout  how long a submitted job's future waits for its result before it fails with a
     *                       {@code TimeoutException} (default 15 min, the orchestrator's default job deadline; 1 s to
     *                       7 days)
     * @param sendTimeout    how long a submission waits for Kafka to acknowledge the job (default 30 s; 1 s to 10 min)
     * @param maxPendingJobs the most jobs one template waits for at once; a submission past it is refused (default
     *                       10000; 1 to 1000000)
     */
    public record TemplateProperties(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("15m") Duration resultTimeout,
            @DefaultValue("30s") Duration sendTimeout,
            @DefaultValue("10000") int maxPendingJobs) {

        public TemplateProperties {
            within("braid.template.result-timeout", resultTimeout, Duration.ofSeconds(1), Duration.ofDays(7));
            within("braid.template.send-timeout", sendTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            if (maxPendingJobs < 1 || maxPendingJobs > 1_000_000) {
                throw new IllegalArgumentException("braid.template.max-pending-jobs = " + maxPendingJobs
                        + " is outside 1 to 1000000 (default 10000)");
            }
        }
    }

    static void within(String property, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(property + " = " + value + " is outside " + min + " to " + max);
        }
    }
}

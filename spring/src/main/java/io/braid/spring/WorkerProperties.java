package io.braid.spring;

import io.braid.schema.GroupIds;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The settings of the worker {@link EnableBraidWorker} starts ({@code braid.worker.*}): a subset of
 * {@link io.braid.worker.WorkerOptions} under the same names and defaults; the worker's own checks apply too and
 * name the property they concern.
 *
 * @param workerId           this worker's name in results, events and metrics (default: the application name, or
 *                           {@code worker-} and a random suffix)
 * @param groupId            the share group of the workers (default {@code braid-workers})
 * @param maxInFlight        the most branches this worker runs at once (default 256; 1 to 100000)
 * @param recordsPerPoll     task records one share consumer takes per poll (1 to max-in-flight); unset (the
 *                           default) = automatic, the worker's own choice for max-in-flight
 *                           ({@link io.braid.worker.WorkerOptions#automaticRecordsPerPoll(int)})
 * @param defaultTimeout     a branch attempt's timeout when the job sets none (default 60 s)
 * @param recordLockDuration the share group's record lock: a branch's whole run must fit in it (default 5 min)
 * @param shutdownGrace      how long a stopping worker lets running branches finish (default 30 s; 0 to 10 min)
 * @param configFile         the worker's YAML config (models, tool settings, use policy); none = the simulated model
 *                           and the built-in tools with their defaults
 * @param disabledTools      tools switched off: their branches fail at once
 * @param beanTools          names of langchain4j {@code @Tool} methods of beans to expose as tools, whatever their
 *                           bean (default none); every {@code @Tool} method of a {@link BraidTools} bean is exposed
 *                           too, no other. A name no {@code @Tool} method has stops the worker's start
 * @param progressEvents     publish branch progress to the job-events topic (default true)
 * @param statusInterval     how often the worker publishes its status (in flight, each model's rate-limit state) to
 *                           the workers topic, for the console's Fleet page (default 5 s; 1 s to 5 min; 0 = off)
 */
public record WorkerProperties(
        String workerId,
        @DefaultValue(GroupIds.WORKERS) String groupId,
        @DefaultValue("256") int maxInFlight,
        Integer recordsPerPoll,
        @DefaultValue("60s") Duration defaultTimeout,
        @DefaultValue("5m") Duration recordLockDuration,
        @DefaultValue("30s") Duration shutdownGrace,
        Path configFile,
        @DefaultValue Set<String> disabledTools,
        @DefaultValue Set<String> beanTools,
        @DefaultValue("true") boolean progressEvents,
        @DefaultValue("5s") Duration statusInterval) {

    public WorkerProperties {
        if (maxInFlight < 1 || maxInFlight > 100_000) {
            throw new IllegalArgumentException("braid.worker.max-in-flight = " + maxInFlight
                    + " is outside 1 to 100000 (default 256)");
        }
        if (recordsPerPoll != null && (recordsPerPoll < 1 || recordsPerPoll > maxInFlight)) {
            throw new IllegalArgumentException("braid.worker.records-per-poll = " + recordsPerPoll
                    + " is outside 1 to braid.worker.max-in-flight (" + maxInFlight + "); leave it unset for "
                    + "the automatic value");
        }
        BraidProperties.within("braid.worker.default-timeout", defaultTimeout, Duration.ofMillis(1),
                Duration.ofHours(1));
        BraidProperties.within("braid.worker.record-lock-duration", recordLockDuration, Duration.ofSeconds(2),
                Duration.ofHours(1));
        BraidProperties.within("braid.worker.shutdown-grace", shutdownGrace, Duration.ZERO, Duration.ofMinutes(10));
        if (!Duration.ZERO.equals(statusInterval)) {
            BraidProperties.within("braid.worker.status-interval", statusInterval, Duration.ofSeconds(1),
                    Duration.ofMinutes(5));
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("braid.worker.group-id is empty (default " + GroupIds.WORKERS + ")");
        }
        disabledTools = disabledTools == null ? Set.of() : Set.copyOf(disabledTools);
        beanTools = beanTools == null ? Set.of() : Set.copyOf(beanTools);
    }
}

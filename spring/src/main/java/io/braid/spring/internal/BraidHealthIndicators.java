package io.braid.spring.internal;

import io.braid.worker.WorkerHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.function.LongSupplier;
import java.util.function.IntSupplier;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The actuator health indicators of the template ({@code braidTemplate}) and the worker ({@code braidWorker}). */
public final class BraidHealthIndicators {

    private BraidHealthIndicators() {
    }

    /**
     * UP once the results listener runs and holds the job-results topic's partitions (Kafka reachable, topics there);
     * DOWN before, saying what to check.
     */
    public static HealthIndicator template(BooleanSupplier running, LongSupplier partitions, IntSupplier pending,
                                           String topic) {
        return () -> {
            long assigned = partitions.getAsLong();
            Health.Builder health = running.getAsBoolean() && assigned > 0 ? Health.up()
                    : Health.down().withDetail("reason", running.getAsBoolean()
                    ? "no partition of " + topic + " assigned yet: is Kafka reachable (spring.kafka.bootstrap-servers)"
                    + " and the topic created (an orchestrator creates it)?"
                    : "the results listener is not running");
            return health.withDetail("resultPartitions", assigned).withDetail("pendingJobs", pending.getAsInt())
                    .build();
        };
    }

    /** UP while the worker is live and ready; DOWN with its problem otherwise. */
    public static HealthIndicator worker(Supplier<WorkerHealth> worker) {
        return () -> {
            WorkerHealth health = worker.get();
            Health.Builder builder = health.live() && health.ready() ? Health.up() : Health.down();
            if (health.problem() != null) {
                builder.withDetail("problem", health.problem());
            }
            return builder.withDetail("state", health.state()).withDetail("live", health.live())
                    .withDetail("ready", health.ready()).withDetail("inFlight", health.inFlight())
                    .withDetail("maxInFlight", health.maxInFlight()).build();
        };
    }
}

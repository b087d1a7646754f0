package io.braid.spring.internal;

import io.braid.schema.BranchError;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;
import io.braid.worker.ProgressListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.IntSupplier;

/**
 * The embedded worker's meters in the application's Micrometer registry: {@code braid.worker.branches} (tag
 * {@code status}: SUCCEEDED, FAILED, TIMED_OUT, CANCELLED), {@code braid.worker.branch.retries} and the gauge
 * {@code braid.worker.in.flight}. (The worker's own Prometheus meters stay on {@code Worker.scrapeMetrics()}.)
 */
public final class WorkerMeters implements ProgressListener {

    private final MeterRegistry registry;
    private final Counter retries;

    public WorkerMeters(MeterRegistry registry, IntSupplier inFlight) {
        this.registry = registry;
        this.retries = Counter.builder("braid.worker.branch.retries")
                .description("Branch attempts that failed and were retried").register(registry);
        Gauge.builder("braid.worker.in.flight", inFlight::getAsInt).description("Branches running now")
                .register(registry);
    }

    @Override
    public void retrying(BranchTask task, int failedAttempt, BranchError error) {
        retries.increment();
    }

    @Override
    public void finished(BranchResult result) {
        Counter.builder("braid.worker.branches").description("Branches this worker finished, by status")
                .tag("status", result.getStatus().name()).register(registry).increment();
    }
}

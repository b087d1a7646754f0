package io.braid.worker.internal.observe;

import io.braid.schema.BranchError;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.worker.ProgressListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's meters, named {@code braid.worker.*} (Prometheus: {@code braid_worker_*}):
 * <ul>
 *   <li>{@code branches.in.flight} (gauge) and {@code branches.in.flight.limit} — branches running now, and the cap;</li>
 *   <li>{@code branches.started} — branch tasks taken on (first attempts);</li>
 *   <li>{@code branches.finished} tagged {@code status} — SUCCEEDED, FAILED, TIMED_OUT or CANCELLED (its job
 *       was cancelled or no longer needed it);</li>
 *   <li>{@code branches.retried} — attempts that failed and are tried again;</li>
 *   <li>{@code branches.dead.lettered} — tasks written to the tasks dead-letter topic;</li>
 *   <li>{@code branch.duration} (histogram) tagged {@code status} — from first attempt to final result.</li>
 * </ul>
 */
public final class WorkerMetrics implements ProgressListener {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final Counter started;
    private final Counter retried;
    private final Counter deadLettered;
    private final Counter acknowledgementsFailed;
    private final Map<BranchStatus, Counter> finished = new EnumMap<>(BranchStatus.class);
    private final Map<BranchStatus, Timer> durations = new EnumMap<>(BranchStatus.class);

    public WorkerMetrics(MeterRegistry registry, String workerId, int inFlightLimit) {
        Gauge.builder("braid.worker.branches.in.flight", inFlight, AtomicInteger::get)
                .description("Branches running in this worker now").tag("worker", workerId).register(registry);
        Gauge.builder("braid.worker.branches.in.flight.limit", () -> inFlightLimit)
                .description("The most branches this worker runs at once").tag("worker", workerId).register(registry);
        started = Counter.builder("braid.worker.branches.started").description("Branch tasks taken on")
                .tag("worker", workerId).register(registry);
        retried = Counter.builder("braid.worker.branches.retried")
                .description("Failed attempts that are tried again").tag("worker", workerId).register(registry);
        deadLettered = Counter.builder("braid.worker.branches.dead.lettered")
                .description("Tasks written to the tasks dead-letter topic").tag("worker", workerId)
                .register(registry);
        acknowledgementsFailed = Counter.builder("braid.worker.acknowledgements.failed")
                .description("Task records whose acknowledgement the broker did not take: they stay locked to this "
                        + "worker until the record lock expires, then run again elsewhere")
                .tag("worker", workerId).register(registry);
        for (BranchStatus status : new BranchStatus[]{BranchStatus.SUCCEEDED, BranchStatus.FAILED,
                BranchStatus.TIMED_OUT, BranchStatus.CANCELLED}) {
            finished.put(status, Counter.builder("braid.worker.branches.finished")
                    .description("Branches finished, by final status").tag("worker", workerId)
                    .tag("status", status.name()).register(registry));
            durations.put(status, Timer.builder("braid.worker.branch.duration")
                    .description("Time from a branch's first attempt to its final result")
                    .tag("worker", workerId).tag("status", status.name())
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(10)).register(registry));
        }
    }

    /** A task record was taken on; balanced by {@link #taskDone()}. */
    public void taskTaken() {
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
    }

    public void taskDone() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** The most branches that were in flight at once since start. */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    public void deadLettered() {
        deadLettered.increment();
    }

    /** The broker did not take the acknowledgement of {@code records} task records. */
    public void acknowledgementsFailed(int records) {
        acknowledgementsFailed.increment(records);
    }

    /** A branch reached its final result after {@code elapsed} since its first attempt. */
    public void branchFinished(BranchStatus status, Duration elapsed) {
        Timer timer = durations.get(status);
        if (timer != null) {
            timer.record(elapsed);
        }
    }

    @Override
    public void started(BranchTask task, int attempt) {
        if (attempt == 1) {
            started.increment();
        }
    }

    @Override
    public void retrying(BranchTask task, int failedAttempt, BranchError error) {
        retried.increment();
    }

    @Override
    public void finished(BranchResult result) {
        Counter counter = finished.get(result.getStatus());
        if (counter != null) {
            counter.increment();
        }
    }
}

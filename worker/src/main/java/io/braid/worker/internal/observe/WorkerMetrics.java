package io.braid.worker.internal.observe;

import io.braid.schema.BranchError;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.worker.ProgressListener;
import io.braid.worker.internal.flow.FlowListener;
import io.braid.worker.internal.flow.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A worker's meters, named {@code braid.worker.*} (Prometheus: {@code braid_worker_*}):
 * <ul>
 *   <li>{@code branches.in.flight} (gauge) and {@code branches.in.flight.limit} — branches running now, and the cap;</li>
 *   <li>{@code branches.started} — branch tasks taken on (first attempts);</li>
 *   <li>{@code branches.finished} tagged {@code status} — SUCCEEDED, FAILED, TIMED_OUT or CANCELLED (its job
 *       was cancelled or no longer needed it);</li>
 *   <li>{@code branches.retried} — attempts that failed and are tried again;</li>
 *   <li>{@code branches.dead.lettered} — tasks written to the tasks dead-letter topic;</li>
 *   <li>{@code branch.duration} (histogram) tagged {@code status} — from first attempt to final result;</li>
 *   <li>{@code share.consumers} (gauge) — the share consumers this worker runs, each a member of the share group;
 *       {@code share.consumers.refused} (gauge) — of them, those the full share group refused (its broker's
 *       {@code group.share.max.size}), waiting to try again; {@code share.group.refusals} — refused tries to join;</li>
 *   <li>flow control, tagged {@code model}: {@code model.rate.allowed} and {@code model.tokens.allowed} (gauges,
 *       per minute: this worker's share of the fleet's limit times its AIMD factor), {@code model.rate.waits}
 *       (calls that waited for their turn) and {@code model.rate.wait} (how long, a timer),
 *       {@code model.rate.given.back} (calls that could not get a turn in time: their task was released),
 *       {@code model.rate.limited} (429 answers), {@code model.hedges} (hedged calls started).</li>
 * </ul>
 */
public final class WorkerMetrics implements ProgressListener, FlowListener {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final Counter started;
    private final Counter retried;
    private final Counter deadLettered;
    private final Counter acknowledgementsFailed;
    private final Counter shareGroupRefusals;
    private final Map<BranchStatus, Counter> finished = new EnumMap<>(BranchStatus.class);
    private final Map<BranchStatus, Timer> durations = new EnumMap<>(BranchStatus.class);
    private final MeterRegistry registry;
    private final String workerId;

    public WorkerMetrics(MeterRegistry registry, String workerId, int inFlightLimit) {
        this.registry = registry;
        this.workerId = workerId;
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
        shareGroupRefusals = Counter.builder("braid.worker.share.group.refusals")
                .description("Tries of a share consumer to join the share group that the broker refused because the "
                        + "group was full (group.share.max.size)").tag("worker", workerId).register(registry);
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

    /** Branches that reached a final result on this worker since it started. */
    public long branchesFinished() {
        return (long) finished.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Of {@link #branchesFinished()}, those FAILED or TIMED_OUT. */
    public long branchesFailed() {
        return (long) (finished.get(BranchStatus.FAILED).count() + finished.get(BranchStatus.TIMED_OUT).count());
    }

    public void deadLettered() {
        deadLettered.increment();
    }

    /** The broker did not take the acknowledgement of {@code records} task records. */
    public void acknowledgementsFailed(int records) {
        acknowledgementsFailed.increment(records);
    }

    /** Reports the share consumers this worker runs, {@code total}, and how many the full group refuses now. */
    public void watchShareConsumers(int total, IntSupplier refused) {
        Gauge.builder("braid.worker.share.consumers", () -> total)
                .description("Share consumers this worker runs, each a member of the share group")
                .tag("worker", workerId).register(registry);
        Gauge.builder("braid.worker.share.consumers.refused", refused::getAsInt)
                .description("Share consumers of this worker the full share group refused (group.share.max.size), "
                        + "waiting to try again").tag("worker", workerId).register(registry);
    }

    /** The full share group refused a share consumer's try to join. */
    public void shareConsumerRefused() {
        shareGroupRefusals.increment();
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

    @Override
    public void limited(String model, RateLimiter limiter) {
        Gauge.builder("braid.worker.model.rate.allowed", limiter, l -> orNaN(l.allowedRequestsPerMinute()))
                .description("Requests per minute this worker allows itself: its share of the fleet's limit times "
                        + "its AIMD factor").tag("worker", workerId).tag("model", model).register(registry);
        Gauge.builder("braid.worker.model.tokens.allowed", limiter, l -> orNaN(l.allowedTokensPerMinute()))
                .description("Tokens per minute this worker allows itself").tag("worker", workerId)
                .tag("model", model).register(registry);
    }

    @Override
    public void waited(String model, Duration wait) {
        modelCounter("braid.worker.model.rate.waits", "Model calls that waited for their turn under a rate limit",
                model).increment();
        Timer.builder("braid.worker.model.rate.wait").description("Time model calls waited for their turn")
                .tag("worker", workerId).tag("model", model).register(registry).record(wait);
    }

    @Override
    public void noTurn(String model) {
        modelCounter("braid.worker.model.rate.given.back", "Model calls that could not get a turn within the "
                + "record lock: their task record was released", model).increment();
    }

    @Override
    public void rateLimited(String model) {
        modelCounter("braid.worker.model.rate.limited", "429 (rate limited) answers of the model", model).increment();
    }

    @Override
    public void hedged(String model) {
        modelCounter("braid.worker.model.hedges", "Hedged calls started (the second call of a slow one)", model)
                .increment();
    }

    private Counter modelCounter(String name, String description, String model) {
        return Counter.builder(name).description(description).tag("worker", workerId).tag("model", model)
                .register(registry);
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}

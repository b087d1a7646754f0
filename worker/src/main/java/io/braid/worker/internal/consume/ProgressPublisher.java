package io.braid.worker.internal.consume;

import io.braid.schema.BranchError;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroSerializer;
import io.braid.worker.ProgressListener;
import io.braid.worker.internal.observe.HealthProblems;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Publishes branch progress to the job-events topic, fire-and-forget: progress is informational.
 *
 * <p>A branch's BRANCH_STARTED event is held back for the {@code startedEventDelay} and dropped if the branch
 * finishes first: its BRANCH_FINISHED event then says when it started ({@code startedAt}). Nobody watches a branch
 * of a few milliseconds run, and its start event was a quarter of the records a quick branch writes (task, start,
 * result, finish); in the benchmarks the saving was within the machine's noise (docs/BENCHMARKS.md). A branch that
 * retries has its start published before its BRANCH_RETRYING. With a zero delay every start is published at once.
 */
public final class ProgressPublisher implements ProgressListener, AutoCloseable {

    /**
     * A held-back start event. The timer publishes it, or the branch's retry does, or its finish drops it: whoever
     * claims it first. Claiming and publishing happen under the object's lock, so a start published by the timer
     * is always sent before the branch's own next event.
     */
    private static final class PendingStart {
        final JobEvent event;
        boolean claimed;
        volatile ScheduledFuture<?> timer;

        PendingStart(JobEvent event) {
            this.event = event;
        }

        synchronized boolean claim() {
            boolean first = !claimed;
            claimed = true;
            return first;
        }
    }

    private final Topics topics;
    private final AvroSerializer<SpecificRecord> serializer;
    private final Producer<String, byte[]> producer;
    private final String workerId;
    private final Clock clock;
    private final Duration startedEventDelay;
    private final HealthProblems health;
    private final ScheduledThreadPoolExecutor timers;
    private final Map<String, PendingStart> pendingStarts = new ConcurrentHashMap<>();

    public ProgressPublisher(Topics topics, AvroSerializer<SpecificRecord> serializer,
                             Producer<String, byte[]> producer, String workerId, Clock clock,
                             Duration startedEventDelay, HealthProblems health) {
        this.topics = topics;
        this.serializer = serializer;
        this.producer = producer;
        this.workerId = workerId;
        this.clock = clock;
        this.startedEventDelay = startedEventDelay;
        this.health = health;
        if (startedEventDelay.isPositive()) {
            timers = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().name(workerId + "-progress").daemon().factory());
            timers.setRemoveOnCancelPolicy(true);
        } else {
            timers = null;
        }
    }

    @Override
    public void started(BranchTask task, int attempt) {
        JobEvent event = event(task.getJobId(), task.getRound(), task.getBranch().getBranchId(),
                JobEventType.BRANCH_STARTED, attempt).build();
        if (timers == null) {
            publish(event);
            return;
        }
        PendingStart pending = new PendingStart(event);
        String key = key(task.getJobId(), task.getRound(), task.getBranch().getBranchId());
        pendingStarts.put(key, pending);
        pending.timer = timers.schedule(() -> publishHeldBack(key, pending), startedEventDelay.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /**
     * The timer's task. It catches everything, an {@link Error} included, and reports it: the executor would keep
     * it in a future nobody reads, and the worker would look healthy while its progress events stopped.
     */
    private void publishHeldBack(String key, PendingStart pending) {
        try {
            synchronized (pending) {
                if (pending.claim()) {
                    publish(pending.event);
                }
            }
            pendingStarts.remove(key, pending);
        } catch (Throwable e) {
            health.died("progress publisher", e);
        }
    }

    @Override
    public void retrying(BranchTask task, int failedAttempt, BranchError error) {
        PendingStart pending = pendingStarts.remove(key(task.getJobId(), task.getRound(),
                task.getBranch().getBranchId()));
        if (pending != null) {
            synchronized (pending) {
                if (pending.claim()) {
                    cancel(pending);
                    publish(pending.event);
                }
            }
        }
        publish(event(task.getJobId(), task.getRound(), task.getBranch().getBranchId(), JobEventType.BRANCH_RETRYING,
                failedAttempt).setMessage(error.getErrorClass() + ": " + error.getMessage()).build());
    }

    @Override
    public void finished(BranchResult result) {
        PendingStart pending = pendingStarts.remove(key(result.getJobId(), result.getRound(), result.getBranchId()));
        if (pending != null && pending.claim()) {
            cancel(pending);
        }
        publish(event(result.getJobId(), result.getRound(), result.getBranchId(), JobEventType.BRANCH_FINISHED,
                result.getAttempt()).setBranchStatus(result.getStatus()).setStartedAt(result.getStartedAt()).build());
    }

    /** Stops the timer of held-back starts; those not yet published are dropped. */
    @Override
    public void close() {
        if (timers != null) {
            timers.shutdownNow();
        }
    }

    private static void cancel(PendingStart pending) {
        ScheduledFuture<?> timer = pending.timer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static String key(String jobId, int round, String branchId) {
        return jobId + '\0' + round + '\0' + branchId;
    }

    private JobEvent.Builder event(String jobId, int round, String branchId, JobEventType type, int attempt) {
        return JobEvent.newBuilder().setJobId(jobId).setRound(round).setBranchId(branchId).setType(type)
                .setWorkerId(workerId).setAttempt(attempt).setAt(clock.instant());
    }

    private void publish(JobEvent event) {
        try {
            producer.send(new ProducerRecord<>(topics.jobEvents(), event.getJobId(),
                    serializer.serialize(topics.jobEvents(), event)));
        } catch (RuntimeException e) {
            // progress is best effort; the branch result is what counts
        }
    }
}

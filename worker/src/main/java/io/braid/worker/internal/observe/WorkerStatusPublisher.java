package io.braid.worker.internal.observe;

import io.braid.schema.ModelFlowState;
import io.braid.schema.WorkerState;
import io.braid.schema.WorkerStatus;
import io.braid.schema.serde.AvroSerializer;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.flow.ModelFlow;
import io.braid.worker.internal.flow.RateLimiter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Publishes the worker's heartbeat — a {@link WorkerStatus}: branches in flight, finished and failed, and each model's
 * flow control (allowed rates, waiting calls, a 429's pause, calls running, 429s) — to the workers topic every
 * {@link WorkerOptions#statusInterval()}, keyed by workerId, and a last one (STOPPING) when the worker stops. It runs
 * on a thread of its own and is best effort: a status that cannot be sent (Kafka or the registry down, the topic
 * missing) is logged once until one is sent again, and a send blocked on Kafka holds only this thread — never a branch,
 * never the worker. At most {@link #MAX_MODELS} models per status (those with a rate limit first).
 */
public final class WorkerStatusPublisher implements AutoCloseable {

    /** The most models one status lists. */
    public static final int MAX_MODELS = 100;
    /** How long a stopping worker waits for its last status to be handed to the producer. */
    static final Duration LAST_STATUS_WAIT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(WorkerStatusPublisher.class);

    private final WorkerOptions options;
    private final AvroSerializer<SpecificRecord> serializer;
    private final Producer<String, byte[]> producer;
    private final WorkerMetrics metrics;
    private final ModelFlow flow;
    private final Supplier<Worker.State> state;
    private final Instant startedAt;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final ScheduledExecutorService thread;
    private volatile String host;

    public WorkerStatusPublisher(WorkerOptions options, AvroSerializer<SpecificRecord> serializer,
                                 Producer<String, byte[]> producer, WorkerMetrics metrics, ModelFlow flow,
                                 Supplier<Worker.State> state) {
        this.options = options;
        this.serializer = serializer;
        this.producer = producer;
        this.metrics = metrics;
        this.flow = flow;
        this.state = state;
        this.startedAt = options.clock().instant();
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(options.workerId() + "-status").daemon().factory());
    }

    /** Publishes a status now and every {@link WorkerOptions#statusInterval()} after. */
    public WorkerStatusPublisher start() {
        long every = options.statusInterval().toMillis();
        thread.scheduleWithFixedDelay(() -> publish(stateNow()), 0, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The worker's status now, in {@code workerState}. */
    WorkerStatus snapshot(WorkerState workerState) {
        List<ModelFlowState> models = flow.states(MAX_MODELS).stream().map(WorkerStatusPublisher::model).toList();
        return WorkerStatus.newBuilder().setWorkerId(options.workerId()).setHost(host())
                .setStartedAt(startedAt).setSentAt(options.clock().instant())
                .setIntervalMs(options.statusInterval().toMillis()).setState(workerState)
                .setInFlight(metrics.inFlight()).setMaxInFlight(options.maxInFlight())
                .setBranchesFinished(metrics.branchesFinished()).setBranchesFailed(metrics.branchesFailed())
                .setModels(models).build();
    }

    private static ModelFlowState model(ModelFlow.ModelState model) {
        ModelFlowState.Builder row = ModelFlowState.newBuilder().setModel(model.model())
                .setInFlightCalls(model.inFlightCalls()).setRateLimited(model.rateLimited());
        RateLimiter.State limit = model.limit();
        if (limit != null) {
            row.setAllowedRequestsPerMinute(limit.allowedRequestsPerMinute())
                    .setAllowedTokensPerMinute(limit.allowedTokensPerMinute()).setFactor(limit.factor())
                    .setWaitingCalls((int) Math.min(Integer.MAX_VALUE, limit.waitingCalls()))
                    .setBacklogMs(limit.backlog().toMillis()).setCoolingUntil(limit.coolingUntil());
        }
        return row.build();
    }

    private WorkerState stateNow() {
        return switch (state.get()) {
            case RUNNING -> WorkerState.RUNNING;
            case DRAINING -> WorkerState.DRAINING;
            case STOPPED -> WorkerState.STOPPING;
        };
    }

    /** Hands the status to the producer; never throws. */
    void publish(WorkerState workerState) {
        String topic = options.topics().workers();
        try {
            WorkerStatus status = snapshot(workerState);
            producer.send(new ProducerRecord<>(topic, options.workerId(), serializer.serialize(topic, status)),
                    (metadata, e) -> sent(e));
        } catch (RuntimeException e) {
            sent(e);
        }
    }

    private void sent(Exception e) {
        if (e == null) {
            if (failing.compareAndSet(true, false)) {
                log.info("worker {} publishes its status to {} again", options.workerId(), options.topics().workers());
            }
        } else if (failing.compareAndSet(false, true)) {
            log.warn("worker {} cannot publish its status to {} ({}); the consoles do not show it live until it can. "
                    + "Its branches are not affected", options.workerId(), options.topics().workers(), e.toString());
        }
    }

    /** Where this worker runs: the host's name (looked up once, on this publisher's thread) and the process id. */
    private String host() {
        String known = host;
        if (known == null) {
            String name;
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException | RuntimeException e) {
                name = "unknown host";
            }
            known = name + " pid " + ProcessHandle.current().pid();
            host = known;
        }
        return known;
    }

    /** Publishes the last status (STOPPING), waiting at most {@link #LAST_STATUS_WAIT}, and stops the thread. */
    @Override
    public void close() {
        Future<?> last;
        try {
            last = thread.submit(() -> publish(WorkerState.STOPPING));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return; // closed already
        }
        thread.shutdown();
        try {
            last.get(LAST_STATUS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort: the consoles forget a worker they stop hearing from
        }
        thread.shutdownNow();
    }
}

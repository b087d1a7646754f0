package io.braid.worker.internal.consume;

import io.braid.worker.internal.observe.HealthProblems;
import io.braid.worker.internal.observe.WorkerMetrics;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One share consumer on its own platform thread. Each poll acquires at most {@code max.poll.records} task records
 * (the consumer runs in {@code record_limit} acquisition mode, so a quiet topic's records spread over all
 * consumers of all workers instead of going to one). Every record runs on its own virtual thread; this thread
 * acknowledges each record as its branch finishes and sends the acknowledgements at once ({@code commitAsync}),
 * and polls again only when the whole batch is acknowledged, as the share consumer's explicit mode requires. So
 * one loop holds at most {@code max.poll.records} branches, and a worker's in-flight limit is the sum over its
 * loops: when all are busy the worker fetches nothing.
 *
 * <p>Taking tasks by rate, not only by capacity: before each poll the loop asks {@code throttled} (in the worker:
 * some rate-limited model's {@linkplain io.braid.worker.internal.flow.ModelFlow#backlog() backlog} exceeds half the
 * record lock) and, while it says so, does not poll — for at most {@link #MAX_PAUSE} at a time, so the consumer
 * stays within {@code max.poll.interval.ms}. Records this worker could not start within their lock would loop
 * through releases to their last delivery and fail there; left on the topic, another worker or a later poll takes
 * them.
 *
 * <p>A full share group (the broker's {@code group.share.max.size}) refuses the consumer: the loop does not end but
 * tries again with a new consumer after a growing wait, and {@link GroupRefusals} says why (see {@link #run()}).
 *
 * <p>Stopping: {@link #stopFetching()} ends polling; the loop keeps acknowledging its running branches as they
 * finish (interrupted ones are released, see {@link TaskHandler}), then closes the consumer. Records that arrive
 * in the poll that was under way are released at once, so other workers take them.
 */
public final class TaskConsumerLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TaskConsumerLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(250);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** The longest the loop goes without polling while throttled: well within the default max.poll.interval.ms. */
    static final Duration MAX_PAUSE = Duration.ofMinutes(1);
    /** How long a consumer polls without being refused to count as joined, lacking a surer sign. */
    static final Duration JOIN_CONFIRMATION = Duration.ofSeconds(3);

    private record Finished(ConsumerRecord<String, byte[]> record, AcknowledgeType type) {
    }

    private final int index;
    private final Supplier<ShareConsumer<String, byte[]>> consumers;
    private final GroupRefusals refusals;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile ShareConsumer<String, byte[]> consumer;
    private final List<String> topics;
    /** The topics, for messages. */
    private final String topic;
    private final Executor branches;
    private final TaskHandler handler;
    private final WorkerMetrics metrics;
    private final HealthProblems health;
    private final BooleanSupplier throttled;
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private volatile boolean fetching = true;
    private volatile boolean abandoned;
    private volatile boolean joined;
    private volatile boolean refused;
    private long firstPollNanos = -1;
    private volatile Throwable failure;

    public TaskConsumerLoop(ShareConsumer<String, byte[]> consumer, String topic, Executor branches,
                            TaskHandler handler, WorkerMetrics metrics, HealthProblems health) {
        this(consumer, topic, branches, handler, metrics, health, () -> false);
    }

    /** @param throttled whether to hold off polling for now (see the class comment) */
    public TaskConsumerLoop(ShareConsumer<String, byte[]> consumer, String topic, Executor branches,
                            TaskHandler handler, WorkerMetrics metrics, HealthProblems health,
                            BooleanSupplier throttled) {
        this(0, () -> consumer, List.of(topic), branches, handler, metrics, health, throttled,
                new GroupRefusals("of " + topic, 1, metrics, GroupRefusals.Retries.DEFAULT));
    }

    /**
     * @param index     this loop's number in the worker, from 0
     * @param consumers makes the share consumer: once, and again after each refusal by a full group
     * @param topics    the tasks topics it reads (both lanes: a HIGH job's tasks and the rest)
     * @param throttled whether to hold off polling for now (see the class comment)
     * @param refusals  the worker's consumers refused by a full share group
     */
    public TaskConsumerLoop(int index, Supplier<ShareConsumer<String, byte[]>> consumers, List<String> topics,
                            Executor branches, TaskHandler handler, WorkerMetrics metrics, HealthProblems health,
                            BooleanSupplier throttled, GroupRefusals refusals) {
        this.index = index;
        this.consumers = consumers;
        this.consumer = consumers.get();
        this.refusals = refusals;
        this.throttled = throttled;
        this.topics = List.copyOf(topics);
        this.topic = String.join(", ", topics);
        this.branches = branches;
        this.handler = handler;
        this.metrics = metrics;
        this.health = health;
    }

    /**
     * Consumes until stopped. A share group that is full ({@code group.share.max.size}) refuses the consumer: its
     * poll throws {@link GroupMaxSizeReachedException} and the consumer is done for (Kafka's client turns FATAL), so
     * the loop closes it, waits {@link GroupRefusals#retryAfter(int)} and tries again with a new one. It is the only
     * failure that does not end the loop; it comes from a poll, when the loop holds no unacknowledged record.
     */
    @Override
    public void run() {
        int refusedInARow = 0;
        try {
            while (true) {
                try {
                    consume();
                    return;
                } catch (GroupMaxSizeReachedException e) {
                    refused = true;
                    joined = false;
                    firstPollNanos = -1;
                    Duration wait = refusals.refused(index, e, ++refusedInARow);
                    closeConsumer();
                    if (stopping.await(wait.toNanos(), TimeUnit.NANOSECONDS) || abandoned || !fetching) {
                        return;
                    }
                    consumer = consumers.get();
                }
            }
        } catch (WakeupException e) {
            // abandon() during poll
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // an Error too: a loop that ends unseen leaves a worker that looks healthy and takes nothing
            failure = e;
            health.died("share consumer loop on " + topic, e);
        } finally {
            // Records still unacknowledged are released when the share session closes, so others pick them up.
            closeConsumer();
        }
    }

    private void consume() throws InterruptedException {
        consumer.setAcknowledgementCommitCallback(this::acknowledgementsCommitted);
        consumer.subscribe(topics);
        while (fetching && !abandoned) {
            holdWhileThrottled();
            ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
            polled(records);
            if (!fetching) {
                releaseUnstarted(records);
                break;
            }
            int pending = 0;
            for (ConsumerRecord<String, byte[]> record : records) {
                pending++;
                metrics.taskTaken();
                branches.execute(() -> finished.add(new Finished(record, handleSafely(record))));
            }
            acknowledgeAsTheyFinish(pending);
        }
    }

    /**
     * Marks the consumer joined once it is given records or partitions (Kafka's {@code rebalance-total}), or has
     * polled for {@link #JOIN_CONFIRMATION} without being refused (an empty assignment, e.g. before the tasks topic
     * exists): a poll may return before the broker answers the consumer's first heartbeat, so one poll proves nothing.
     */
    private void polled(ConsumerRecords<String, byte[]> records) {
        if (joined) {
            return;
        }
        long now = System.nanoTime();
        if (firstPollNanos < 0) {
            firstPollNanos = now;
        }
        if (!records.isEmpty() || hasAssignment(consumer) || now - firstPollNanos > JOIN_CONFIRMATION.toNanos()) {
            joined = true;
            if (refused) {
                refused = false;
                refusals.joined(index);
            }
        }
    }

    /** Whether the consumer's membership has reached an assignment, per its client metrics. */
    static boolean hasAssignment(ShareConsumer<?, ?> consumer) {
        return consumer.metrics().entrySet().stream().anyMatch(e -> "rebalance-total".equals(e.getKey().name())
                && e.getKey().group().endsWith("coordinator-metrics")
                && e.getValue().metricValue() instanceof Double count && count >= 1);
    }

    private void closeConsumer() {
        ShareConsumer<String, byte[]> current = consumer;
        if (current == null) {
            return;
        }
        consumer = null;
        try {
            current.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("closing the share consumer failed: {}", e.toString());
        }
    }

    /**
     * The broker's answer to a batch of acknowledgements. A failed one cannot be sent again (the consumer has let
     * the records go); they stay acquired by this consumer until their lock expires and are then delivered again,
     * so the branch runs twice (the aggregator keeps one result). Counted and logged so that the wait is visible.
     */
    private void acknowledgementsCommitted(Map<TopicIdPartition, Set<Long>> offsets, Exception exception) {
        if (exception == null) {
            return;
        }
        int records = offsets.values().stream().mapToInt(Set::size).sum();
        metrics.acknowledgementsFailed(records);
        log.warn("the broker did not take the acknowledgement of {} task record(s) {}: {}; they are delivered again "
                + "when their record lock expires", records, offsets, exception.toString());
    }

    /** Waits, polling nothing, while {@code throttled} says so, up to {@link #MAX_PAUSE}. */
    private void holdWhileThrottled() throws InterruptedException {
        long start = System.nanoTime();
        boolean logged = false;
        while (fetching && !abandoned && System.nanoTime() - start < MAX_PAUSE.toNanos()
                && throttled.getAsBoolean()) {
            if (!logged) {
                log.info("not taking tasks from {} for now: a rate-limited model's backlog exceeds half the record "
                        + "lock", topic);
                logged = true;
            }
            Thread.sleep(POLL_TIMEOUT);
        }
    }

    private void releaseUnstarted(ConsumerRecords<String, byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        for (ConsumerRecord<String, byte[]> record : records) {
            consumer.acknowledge(record, AcknowledgeType.RELEASE);
        }
        consumer.commitSync(CLOSE_TIMEOUT);
    }

    /**
     * The handler's acknowledgement; RELEASE when it failed unexpectedly. Never throws: a record whose handling
     * threw would otherwise never be acknowledged and the loop would wait for it forever. An {@link Error} other
     * than a stack overflow (which one deep record can cause) also reports the worker not live: it may be broken.
     */
    private AcknowledgeType handleSafely(ConsumerRecord<String, byte[]> record) {
        try {
            return handler.handle(record);
        } catch (Throwable e) {
            String task = record.topic() + "-" + record.partition() + "@" + record.offset();
            if (e instanceof Error && !(e instanceof StackOverflowError)) {
                health.died("handling task " + task, e);
            } else {
                log.error("unexpected failure handling task {}; releasing it", task, e);
            }
            return AcknowledgeType.RELEASE;
        } finally {
            metrics.taskDone();
        }
    }

    private void acknowledgeAsTheyFinish(int pending) throws InterruptedException {
        while (pending > 0 && !abandoned) {
            Finished done = finished.poll(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (done == null) {
                continue;
            }
            do {
                consumer.acknowledge(done.record(), done.type());
                pending--;
            } while ((done = finished.poll()) != null);
            consumer.commitAsync();
        }
    }

    /** Polls no more; running branches are still acknowledged as they finish, then the consumer closes. */
    public void stopFetching() {
        fetching = false;
        stopping.countDown();
    }

    /** Stops waiting for running branches: the consumer closes now and its unacknowledged records are released. */
    public void abandon() {
        abandoned = true;
        stopping.countDown();
        ShareConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** True once the consumer has joined the share group (see {@link #polled}), until a full group refuses it. */
    public boolean joined() {
        return joined;
    }

    /** True while the share group, full, refuses this loop's consumer: it waits to try again. */
    public boolean refused() {
        return refused;
    }

    /** The failure that ended this loop unexpectedly, or null. */
    public Throwable failure() {
        return failure;
    }
}

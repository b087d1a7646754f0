package io.braid.worker.internal.consume;

import io.braid.schema.DeadLetterHeaders;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.schema.serde.RegistryUnavailableException;
import io.braid.worker.ProgressListener;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.flow.NoTurnException;
import io.braid.worker.internal.trace.BranchTracing;
import io.opentelemetry.context.Scope;
import io.braid.worker.internal.observe.WorkerMetrics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * One task record from start to acknowledgement: read it, run the branch, publish its result (and, when the branch
 * failed for good, a dead-letter record), then say how to acknowledge the record.
 *
 * <ul>
 *   <li>ACCEPT — a result is durably published (success or final failure). A result over {@code maxResultBytes}
 *   serialized, or one Kafka refuses for good (too large, not valid), is answered by a FAILED result saying so
 *   ({@code OutputTooLarge}, {@code TooLarge}, see {@link ResultLimit}), dead-lettered, and accepted: a result
 *   that can never be sent does not bring its task back.</li>
 *   <li>RELEASE — nothing could be published for now (the broker or the schema registry unavailable past the
 *   waits, see {@link RegistryRetry}), the worker was interrupted, or a model call could not get its turn under
 *   its rate limit within the record lock ({@link NoTurnException}): another delivery will run it. On the
 *   record's last delivery (the group's {@code group.share.delivery.count.limit},
 *   {@link io.braid.worker.WorkerOptions#shareDeliveryLimit()}, Kafka's default 5) the branch is answered FAILED
 *   ({@code NoTurnException}, retriable) instead, so its job is not left waiting for a record the group
 *   archived.</li>
 *   <li>REJECT — the record is not a readable task; it went to the dead-letter topic and must not come back. A
 *   record that cannot be read only because the registry is unavailable is not bad: it is released.</li>
 * </ul>
 */
public final class TaskHandler {

    /** The most characters of an error message a dead letter's header carries. */
    static final int HEADER_MESSAGE_LIMIT = 4096;

    private static final Logger log = LoggerFactory.getLogger(TaskHandler.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final Topics topics;
    private final AvroDeserializer<BranchTask> tasks;
    private final AvroSerializer<SpecificRecord> serializer;
    private final Publisher publisher;
    private final BranchRunner runner;
    private final WorkerMetrics metrics;
    private final ProgressListener progress;
    private final int maxResultBytes;
    private final RegistryRetry registry;
    private final int deliveryLimit;
    private final BranchTracing tracing;

    /** At Kafka's default delivery limit ({@link WorkerOptions#DEFAULT_SHARE_DELIVERY_LIMIT}). */
    public TaskHandler(Topics topics, AvroDeserializer<BranchTask> tasks, AvroSerializer<SpecificRecord> serializer,
                       Producer<String, byte[]> producer, BranchRunner runner, WorkerMetrics metrics,
                       ProgressListener progress, int maxResultBytes, RegistryRetry registry) {
        this(topics, tasks, serializer, producer, runner, metrics, progress, maxResultBytes, registry,
                WorkerOptions.DEFAULT_SHARE_DELIVERY_LIMIT);
    }

    /** @param deliveryLimit the share group's {@code group.share.delivery.count.limit} */
    public TaskHandler(Topics topics, AvroDeserializer<BranchTask> tasks, AvroSerializer<SpecificRecord> serializer,
                       Producer<String, byte[]> producer, BranchRunner runner, WorkerMetrics metrics,
                       ProgressListener progress, int maxResultBytes, RegistryRetry registry, int deliveryLimit) {
        this(topics, tasks, serializer, producer, runner, metrics, progress, maxResultBytes, registry, deliveryLimit,
                BranchTracing.OFF);
    }

    /** As above, each record's run continuing its trace context ({@link BranchTracing}), its result carrying it. */
    public TaskHandler(Topics topics, AvroDeserializer<BranchTask> tasks, AvroSerializer<SpecificRecord> serializer,
                       Producer<String, byte[]> producer, BranchRunner runner, WorkerMetrics metrics,
                       ProgressListener progress, int maxResultBytes, RegistryRetry registry, int deliveryLimit,
                       BranchTracing tracing) {
        this.tracing = tracing;
        this.deliveryLimit = deliveryLimit;
        this.topics = topics;
        this.tasks = tasks;
        this.serializer = serializer;
        this.publisher = new Publisher(producer, PUBLISH_TIMEOUT);
        this.runner = runner;
        this.metrics = metrics;
        this.progress = progress;
        this.maxResultBytes = maxResultBytes;
        this.registry = registry;
    }

    public AcknowledgeType handle(ConsumerRecord<String, byte[]> record) {
        try (Scope traced = tracing.enter(record.headers())) {
            long taken = System.nanoTime();
            BranchTask task;
            try {
                task = registry.call(() -> tasks.deserialize(record.topic(), record.value()));
            } catch (RegistryUnavailableException e) {
                log.warn("task record {}-{}@{} cannot be read while the schema registry is unavailable; releasing "
                        + "it: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                return AcknowledgeType.RELEASE;
            } catch (SerializationException e) {
                return unreadable(record, e);
            }
            try {
                return runAndPublish(record, task, taken);
            } finally {
                // however the run ended (released, interrupted, thrown): the branch's streamed-output buffer goes
                progress.ended(task);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AcknowledgeType.RELEASE;
        }
    }

    private AcknowledgeType runAndPublish(ConsumerRecord<String, byte[]> record, BranchTask task, long taken)
            throws InterruptedException {
        long start = System.nanoTime();
        BranchResult ran;
        try {
            ran = runner.run(task, Duration.ofNanos(start - taken), lastDelivery(record));
        } catch (NoTurnException e) {
            log.info("task {}/{} ({}-{}@{}) released: {}", task.getJobId(), task.getBranch().getBranchId(),
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return AcknowledgeType.RELEASE;
        }
        BranchResult result = publishResult(ran);
        if (result == null) {
            return AcknowledgeType.RELEASE;
        }
        progress.finished(result);
        metrics.branchFinished(result.getStatus(), Duration.ofNanos(System.nanoTime() - start));
        if (result.getStatus() != BranchStatus.SUCCEEDED && result.getError() != null) {
            deadLetterFailed(record, result);
        }
        return AcknowledgeType.ACCEPT;
    }

    /**
     * Whether this is the record's last delivery before the share group archives it, at the group's
     * {@code group.share.delivery.count.limit} ({@link WorkerOptions#shareDeliveryLimit()}).
     */
    private boolean lastDelivery(ConsumerRecord<String, byte[]> record) {
        return record.deliveryCount().map(count -> count >= deliveryLimit).orElse(false);
    }

    /** Dead-letters a record that is not a task; REJECT, unless the dead letter could not be sent for now. */
    private AcknowledgeType unreadable(ConsumerRecord<String, byte[]> record, SerializationException e) {
        log.warn("unreadable task record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                e.getMessage());
        Publisher.Outcome outcome = publisher.send(deadLetter(record, "SerializationException", e.getMessage(),
                false, 0));
        if (outcome.sent()) {
            metrics.deadLettered();
        } else if (outcome.refused()) {
            log.error("the dead letter of task record {}-{}@{} was refused ({}); rejecting the record without it",
                    record.topic(), record.partition(), record.offset(), outcome.failure().toString());
        } else {
            return AcknowledgeType.RELEASE;
        }
        return AcknowledgeType.REJECT;
    }

    /**
     * Publishes the branch's result or, when it cannot be published as it is, a FAILED result saying why; returns
     * what was published, or null when nothing could be for now (the task is released).
     */
    private BranchResult publishResult(BranchResult result) throws InterruptedException {
        byte[] value = serialize(result);
        if (value == null) {
            return null;
        }
        if (value.length > maxResultBytes) {
            log.warn("the result of {}/{} is {} bytes, over the limit of {}; answering {}", result.getJobId(),
                    result.getBranchId(), value.length, maxResultBytes, ResultLimit.OUTPUT_TOO_LARGE);
            return publishAnswer(ResultLimit.outputTooLarge(result, value.length, maxResultBytes));
        }
        Publisher.Outcome outcome = publisher.send(resultRecord(result.getJobId(), value));
        if (outcome.sent()) {
            return result;
        }
        return outcome.refused() ? publishAnswer(ResultLimit.refused(result, value.length, outcome.failure())) : null;
    }

    /** Publishes a small result standing for one that could not be; null when it could not be published either. */
    private BranchResult publishAnswer(BranchResult answer) throws InterruptedException {
        byte[] value = serialize(answer);
        return value != null && publisher.send(resultRecord(answer.getJobId(), value)).sent() ? answer : null;
    }

    /** A result record, with the task's trace context when it is traced. */
    private ProducerRecord<String, byte[]> resultRecord(String jobId, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.results(), jobId, value);
        tracing.inject(record.headers());
        return record;
    }

    /** The result's bytes, or null when it cannot be serialized now (the registry unavailable past the wait). */
    private byte[] serialize(BranchResult result) throws InterruptedException {
        try {
            return registry.call(() -> serializer.serialize(topics.results(), result));
        } catch (RuntimeException e) {
            if (!Thread.currentThread().isInterrupted()) {
                log.warn("cannot serialize the result of {}/{}: {}", result.getJobId(), result.getBranchId(),
                        e.getMessage());
            }
            return null;
        }
    }

    private void deadLetterFailed(ConsumerRecord<String, byte[]> record, BranchResult result) {
        ProducerRecord<String, byte[]> deadLetter = deadLetter(record, result.getError().getErrorClass(),
                result.getError().getMessage(), result.getError().getRetriable(), result.getAttempt());
        Instant firstFailure = result.getFirstFailedAt() != null ? result.getFirstFailedAt() : result.getFinishedAt();
        deadLetter.headers().add(DeadLetterHeaders.FIRST_FAILURE, bytes(firstFailure.toString()));
        deadLetter.headers().add(DeadLetterHeaders.LAST_FAILURE, bytes(result.getFinishedAt().toString()));
        if (publisher.send(deadLetter).sent()) {
            metrics.deadLettered();
        } else {
            log.warn("could not dead-letter failed branch {}/{}", result.getJobId(), result.getBranchId());
        }
    }

    private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String errorClass,
                                                      String message, boolean retriable, int attempts) {
        String text = message == null ? "" : message.length() <= HEADER_MESSAGE_LIMIT ? message
                : message.substring(0, HEADER_MESSAGE_LIMIT) + "… (" + message.length() + " characters)";
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.ERROR_CLASS, bytes(errorClass));
        headers.add(DeadLetterHeaders.ERROR_MESSAGE, bytes(text));
        headers.add(DeadLetterHeaders.ERROR_RETRIABLE, bytes(Boolean.toString(retriable)));
        headers.add(DeadLetterHeaders.ATTEMPTS, bytes(Integer.toString(attempts)));
        return new ProducerRecord<>(topics.tasksDeadLetter(), null, record.key(), record.value(), headers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

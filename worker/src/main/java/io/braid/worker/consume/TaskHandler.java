package io.braid.worker.consume;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.worker.execute.BranchRunner;
import io.braid.worker.execute.ProgressListener;
import io.braid.worker.observe.WorkerMetrics;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One task record from start to acknowledgement: read it, run the branch, publish its result (and, when the branch
 * failed for good, a dead-letter record), then say how to acknowledge the record.
 *
 * <ul>
 *   <li>ACCEPT — the result is durably published (success or final failure).</li>
 *   <li>RELEASE — the result could not be published, or the worker was interrupted: another delivery will run it.</li>
 *   <li>REJECT — the record is not a readable task; it went to the dead-letter topic and must not come back.</li>
 * </ul>
 */
public final class TaskHandler {

    /** Header names on dead-letter records. */
    public static final String ERROR_CLASS_HEADER = "braid.error.class";
    public static final String ERROR_MESSAGE_HEADER = "braid.error.message";
    public static final String ERROR_RETRIABLE_HEADER = "braid.error.retriable";
    public static final String ATTEMPTS_HEADER = "braid.attempts";
    /** ISO-8601 instants of the branch's first and last failure. */
    public static final String FIRST_FAILURE_HEADER = "braid.failed.first";
    public static final String LAST_FAILURE_HEADER = "braid.failed.last";

    private static final Logger log = LoggerFactory.getLogger(TaskHandler.class);
    private static final long PUBLISH_TIMEOUT_SECONDS = 30;

    private final Topics topics;
    private final AvroDeserializer<BranchTask> tasks;
    private final AvroSerializer<SpecificRecord> serializer;
    private final Producer<String, byte[]> producer;
    private final BranchRunner runner;
    private final WorkerMetrics metrics;
    private final ProgressListener progress;

    public TaskHandler(Topics topics, AvroDeserializer<BranchTask> tasks, AvroSerializer<SpecificRecord> serializer,
                       Producer<String, byte[]> producer, BranchRunner runner, WorkerMetrics metrics,
                       ProgressListener progress) {
        this.topics = topics;
        this.tasks = tasks;
        this.serializer = serializer;
        this.producer = producer;
        this.runner = runner;
        this.metrics = metrics;
        this.progress = progress;
    }

    public AcknowledgeType handle(ConsumerRecord<String, byte[]> record) {
        BranchTask task;
        try {
            task = tasks.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            log.warn("unreadable task record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            if (publish(deadLetter(record, "SerializationException", e.getMessage(), false, 0))) {
                metrics.deadLettered();
                return AcknowledgeType.REJECT;
            }
            return AcknowledgeType.RELEASE;
        }
        try {
            long start = System.nanoTime();
            BranchResult result = runner.run(task);
            if (!publishResult(result)) {
                return AcknowledgeType.RELEASE;
            }
            progress.finished(result);
            metrics.branchFinished(result.getStatus(), Duration.ofNanos(System.nanoTime() - start));
            if (result.getStatus() != BranchStatus.SUCCEEDED && result.getError() != null) {
                ProducerRecord<String, byte[]> deadLetter = deadLetter(record, result.getError().getErrorClass(),
                        result.getError().getMessage(), result.getError().getRetriable(), result.getAttempt());
                Instant firstFailure = result.getFirstFailedAt() != null ? result.getFirstFailedAt()
                        : result.getFinishedAt();
                deadLetter.headers().add(FIRST_FAILURE_HEADER, bytes(firstFailure.toString()));
                deadLetter.headers().add(LAST_FAILURE_HEADER, bytes(result.getFinishedAt().toString()));
                if (publish(deadLetter)) {
                    metrics.deadLettered();
                } else {
                    log.warn("could not dead-letter failed branch {}/{}", task.getJobId(),
                            task.getBranch().getBranchId());
                }
            }
            return AcknowledgeType.ACCEPT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AcknowledgeType.RELEASE;
        }
    }

    private boolean publishResult(BranchResult result) {
        byte[] value;
        try {
            value = serializer.serialize(topics.results(), result);
        } catch (RuntimeException e) {
            if (!Thread.currentThread().isInterrupted()) {
                log.warn("cannot serialize the result of {}/{}: {}", result.getJobId(), result.getBranchId(),
                        e.getMessage());
            }
            return false;
        }
        return publish(new ProducerRecord<>(topics.results(), result.getJobId(), value));
    }

    private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String errorClass,
                                                      String message, boolean retriable, int attempts) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ERROR_CLASS_HEADER, bytes(errorClass));
        headers.add(ERROR_MESSAGE_HEADER, bytes(message == null ? "" : message));
        headers.add(ERROR_RETRIABLE_HEADER, bytes(Boolean.toString(retriable)));
        headers.add(ATTEMPTS_HEADER, bytes(Integer.toString(attempts)));
        return new ProducerRecord<>(topics.tasksDeadLetter(), null, record.key(), record.value(), headers);
    }

    private boolean publish(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(PUBLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("could not publish to {}: {}", record.topic(), e.toString());
            return false;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

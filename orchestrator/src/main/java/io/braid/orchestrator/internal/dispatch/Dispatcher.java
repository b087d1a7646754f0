package io.braid.orchestrator.internal.dispatch;

import io.braid.schema.DeadLetterHeaders;

import io.braid.schema.ErrorClass;

import io.braid.orchestrator.Delivery;

import io.braid.orchestrator.internal.aggregate.AggregatorErrors;
import io.braid.orchestrator.internal.trace.JobTracing;
import io.braid.schema.JobRequest;
import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fans jobs out: reads job requests and, in one Kafka transaction per poll batch, writes each job's manifest
 * and one task per branch (its child jobs' too), dead-letters the records it cannot dispatch, and commits the consumed
 * offsets. A job is therefore never half fanned out, and never fanned out twice by a restart.
 *
 * <p>No record stops it: a record it cannot read, validate, fan out or write is refused (see {@link JobRecords}); a
 * batch the broker refuses is read again with the records that caused it refused ({@link SendFailures}); a schema
 * registry that cannot be reached pauses dispatching with a growing backoff and makes the dispatcher not ready
 * ({@link #health()}) until it answers again. Anything else that ends the loop is logged and reported by health.
 */
public final class Dispatcher implements Runnable, AutoCloseable {


    /** The first and the longest pause after a batch failed for a reason that may pass (e.g. the registry). */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** What health reports: whether the loop runs, why it cannot dispatch now, and the dead letters it wrote. */
    public record Health(boolean alive, String problem, long deadLetters, Instant lastDeadLetterAt) {

        public boolean ready() {
            return alive && problem == null;
        }
    }

    private final BatchCommit batchCommit;
    private final Topics topics;
    private final Clock clock;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final JobRecords jobRecords;
    private final JobTracing tracing;
    private final SendFailures failures = new SendFailures();
    private volatile boolean running = true;
    private volatile boolean alive = true;
    private volatile String problem;
    private volatile long deadLetters;
    private volatile Instant lastDeadLetterAt;
    private Duration backoff = Duration.ZERO;
    private Instant pausedUntil;

    /** {@code delivery} decides how a batch is committed (see {@link BatchCommit}). */
    public Dispatcher(KafkaConnection kafka, String groupId, String transactionalId, Delivery delivery,
                      Topics topics, SchemaRegistry registry, JobValidator validator, RecordLimits limits,
                      long maxFanOutBytes, Clock clock) {
        this(kafka, groupId, transactionalId, delivery, topics, registry, validator, limits, maxFanOutBytes, null,
                clock);
    }

    /**
     * As above, with the fleet's default window: a job that sets no {@code maxConcurrency} gets
     * {@code defaultWindow} (null: none) — the first that many of its task branches are published, the aggregator
     * publishes the rest as they finish.
     */
    public Dispatcher(KafkaConnection kafka, String groupId, String transactionalId, Delivery delivery,
                      Topics topics, SchemaRegistry registry, JobValidator validator, RecordLimits limits,
                      long maxFanOutBytes, Integer defaultWindow, Clock clock) {
        this(kafka, groupId, transactionalId, delivery, topics, registry, validator, limits, maxFanOutBytes,
                defaultWindow, clock, JobTracing.OFF);
    }

    /** As above, each job record's dispatch traced by {@code tracing} (see {@link JobTracing}). */
    public Dispatcher(KafkaConnection kafka, String groupId, String transactionalId, Delivery delivery,
                      Topics topics, SchemaRegistry registry, JobValidator validator, RecordLimits limits,
                      long maxFanOutBytes, Integer defaultWindow, Clock clock, JobTracing tracing) {
        this.tracing = tracing;
        this.batchCommit = BatchCommit.of(delivery);
        this.topics = topics;
        this.clock = clock;
        this.jobRecords = new JobRecords(topics, new JobDecoder(new AvroDeserializer<>(registry, JobRequest.class)),
                validator, new AvroSerializer<>(registry), limits, maxFanOutBytes, defaultWindow);
        Map<String, Object> consumerConfig = kafka.config(Map.of());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // Static membership: an instance restarted under the same id takes its partitions back at once instead
        // of waiting for the dead member's session to time out.
        consumerConfig.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, transactionalId);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> producerConfig = kafka.config(limits.producerConfig());
        batchCommit.configure(producerConfig, transactionalId);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void run() {
        try {
            batchCommit.start(producer);
            consumer.subscribe(List.of(topics.jobs()));
            while (running) {
                resumeWhenBackoffPassed();
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    dispatchBatch(records);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                stopped(e);
            }
        } catch (Throwable e) { // fenced, unauthorized, or anything unforeseen: said by health, never silent
            stopped(e);
        } finally {
            alive = false;
            closeQuietly();
        }
    }

    private void stopped(Throwable e) {
        problem = "the dispatcher stopped: " + e;
        log.error("dispatcher stopped; no job is dispatched by this instance until it restarts", e);
    }

    private void closeQuietly() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("closing the dispatcher's consumer failed: {}", e.toString());
        }
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("closing the dispatcher's producer failed: {}", e.toString());
        }
    }

    /** Whether the loop runs, and why it cannot dispatch now (null when it can). */
    public Health health() {
        return new Health(alive, problem, deadLetters, lastDeadLetterAt);
    }

    private void dispatchBatch(ConsumerRecords<String, byte[]> records) {
        failures.startBatch();
        try {
            batchCommit.commit(producer, consumer, () -> dispatchAll(records), failures);
            succeeded(failures.refusals());
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e;
        } catch (RuntimeException e) {
            failed(records, e);
        }
    }

    private void succeeded(int refused) {
        failures.forgetRefusedByBroker();
        backoff = Duration.ZERO;
        problem = null;
        if (refused > 0) {
            deadLetters += refused;
            lastDeadLetterAt = clock.instant();
        }
    }

    /**
     * The batch was not written: abort it, and read it again — with the records the broker refused marked so that
     * they are refused next time, or after a pause when the cause may pass (the registry, the broker).
     */
    private void failed(ConsumerRecords<String, byte[]> records, RuntimeException e) {
        batchCommit.abort(producer);
        int poisoned = failures.markRefusedByBroker();
        rewind(records);
        if (poisoned > 0) {
            log.warn("the broker refused the records of {} job(s); the batch is read again and they are refused: {}",
                    poisoned, e.toString());
            return;
        }
        problem = AggregatorErrors.isRegistryOutage(e) ? "the schema registry cannot be reached: " + e.getMessage()
                : "dispatching failed: " + e;
        backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        pausedUntil = clock.instant().plus(backoff);
        consumer.pause(consumer.assignment());
        log.warn("dispatch batch aborted; reading it again in {} ms: {}", backoff.toMillis(), e.toString());
    }

    private void resumeWhenBackoffPassed() {
        if (pausedUntil != null && !clock.instant().isBefore(pausedUntil)) {
            consumer.resume(consumer.paused());
            pausedUntil = null;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Dispatches every record of the batch; returns the offsets to commit after it. */
    private Map<TopicPartition, OffsetAndMetadata> dispatchAll(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        Instant now = clock.instant();
        // Both lanes are created with the same count; an operator's later change to one must not send a task to a
        // partition the other lacks.
        int taskPartitions = Math.min(producer.partitionsFor(topics.tasks()).size(),
                producer.partitionsFor(topics.tasksHigh()).size());
        for (ConsumerRecord<String, byte[]> record : records) {
            for (ProducerRecord<String, byte[]> out : recordsFor(record, taskPartitions, now)) {
                failures.track(record, out.key(), producer.send(out));
            }
            next.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
        }
        return next;
    }

    /**
     * What to write for one record. A record the broker refused before is refused now; one whose refusal the broker
     * refused too is skipped with an error log (nothing of it can be written). An unexpected failure while fanning a
     * record out refuses that record: it is about the record, and must not stop the dispatcher.
     */
    private List<ProducerRecord<String, byte[]>> recordsFor(ConsumerRecord<String, byte[]> record,
                                                            int taskPartitions, Instant now) {
        JobTracing.Dispatch dispatch = tracing.dispatch(record, JobRecords.dispatchId(record));
        try {
            List<ProducerRecord<String, byte[]>> out = recordsFor(record, taskPartitions, now, dispatch);
            if (!out.isEmpty() && out.get(0).topic().equals(topics.jobsDeadLetter())) {
                dispatch.refused(header(out.get(0), DeadLetterHeaders.ERROR_CLASS), header(out.get(0),
                        DeadLetterHeaders.ERROR));
            }
            return out;
        } finally {
            dispatch.end();
        }
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        org.apache.kafka.common.header.Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private List<ProducerRecord<String, byte[]>> recordsFor(ConsumerRecord<String, byte[]> record,
                                                            int taskPartitions, Instant now,
                                                            JobTracing.Dispatch dispatch) {
        int refusedBefore = failures.timesRefusedByBroker(record);
        if (refusedBefore > 1) {
            log.error("job record {}-{}@{} skipped: the broker refused both its records and its dead letter ({})",
                    record.topic(), record.partition(), record.offset(), failures.lastCause(record));
            return List.of();
        }
        List<ProducerRecord<String, byte[]>> out;
        if (refusedBefore == 1) {
            out = jobRecords.refusal(record, new InvalidJobException(ErrorClass.TooLarge, null,
                    failures.jobId(record), "the broker refused the job's records: " + failures.lastCause(record)
                    + "; raise the topics' max.message.bytes to match --record-bytes, or make the job smaller",
                    null), now);
        } else {
            try {
                out = jobRecords.recordsFor(record, taskPartitions, now, dispatch);
            } catch (RuntimeException | StackOverflowError e) {
                if (e instanceof RuntimeException transientFailure && AggregatorErrors.isRegistryOutage(e)) {
                    throw transientFailure;
                }
                log.error("job record {}-{}@{} could not be fanned out", record.topic(), record.partition(),
                        record.offset(), e);
                out = jobRecords.refusal(record, new InvalidJobException(ErrorClass.InvalidJob, null,
                        null, "the dispatcher could not fan the job out: " + e, e), now);
            }
        }
        if (!out.isEmpty() && out.get(0).topic().equals(topics.jobsDeadLetter())) {
            failures.refused();
            log.warn("job record {}-{}@{} dead-lettered: {}", record.topic(), record.partition(), record.offset(),
                    new String(out.get(0).headers().lastHeader(DeadLetterHeaders.ERROR).value(),
                            java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    private void rewind(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}

package io.braid.orchestrator.dispatch;

import io.braid.schema.BranchTask;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.BranchError;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fans jobs out: reads job requests and, in one Kafka transaction per poll batch, writes each job's manifest
 * and one task per branch, dead-letters the records it cannot dispatch, and commits the consumed offsets. A job
 * is therefore never half fanned out, and never fanned out twice by a restart.
 */
public final class Dispatcher implements Runnable, AutoCloseable {

    /** Header on dead-lettered records: why the record was not dispatched. */
    public static final String ERROR_HEADER = "braid.error";
    public static final String ERROR_CLASS_HEADER = "braid.error.class";
    public static final String ERROR_MESSAGE_HEADER = "braid.error.message";
    public static final String ERROR_FIELD_HEADER = "braid.error.field";

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final boolean transactional;
    /** Low-latency mode: the sends of the batch under way, confirmed before its offsets are committed. */
    private final List<java.util.concurrent.Future<?>> unconfirmed = new java.util.ArrayList<>();
    private final Topics topics;
    private final Clock clock;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<SpecificRecord> serializer;
    private final JobDecoder decoder;
    private final JobValidator validator;
    private final int maxJobBytes;
    private volatile boolean running = true;

    public Dispatcher(KafkaConnection kafka, String groupId, String transactionalId, Topics topics,
                      SchemaRegistry registry, JobValidator validator, int maxJobBytes, Clock clock) {
        this(kafka, groupId, transactionalId, true, topics, registry, validator, maxJobBytes, clock);
    }

    /**
     * With {@code transactional} false (the low-latency mode) a batch's records are sent with an idempotent
     * producer, flushed, and only then are the offsets committed: at least once — a crash in between dispatches the
     * batch again, which the aggregator absorbs (a repeated manifest of the same round changes nothing, a repeated
     * branch result is a duplicate).
     */
    public Dispatcher(KafkaConnection kafka, String groupId, String transactionalId, boolean transactional,
                      Topics topics, SchemaRegistry registry, JobValidator validator, int maxJobBytes, Clock clock) {
        this.transactional = transactional;
        this.topics = topics;
        this.clock = clock;
        this.validator = validator;
        this.maxJobBytes = maxJobBytes;
        this.serializer = new AvroSerializer<>(registry);
        this.decoder = new JobDecoder(new AvroDeserializer<>(registry, JobRequest.class));
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
        Map<String, Object> producerConfig = kafka.config(Map.of());
        if (transactional) {
            producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        } else {
            producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        }
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void run() {
        try {
            if (transactional) {
                producer.initTransactions();
            }
            consumer.subscribe(List.of(topics.jobs()));
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    dispatchBatch(records);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            log.error("dispatcher stopped: its transactions can no longer commit ({})", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void dispatchBatch(ConsumerRecords<String, byte[]> records) {
        if (!transactional) {
            dispatchBatchAtLeastOnce(records);
            return;
        }
        try {
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(dispatchAll(records), consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("dispatch transaction aborted, the batch will be read again: {}", e.toString());
            producer.abortTransaction();
            rewind(records);
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record, Instant now) {
        JobRequest job;
        try {
            if (record.value() != null && record.value().length > maxJobBytes) {
                throw new InvalidJobException(InvalidJobException.Kind.TooLarge, null, null, "the record is "
                        + record.value().length + " bytes; this orchestrator accepts jobs up to " + maxJobBytes
                        + " bytes (--max-job-bytes): pass large inputs by reference", null);
            }
            job = decoder.decode(record.topic(), record.value());
            List<String> problems = validator.problems(job);
            if (!problems.isEmpty()) {
                throw new InvalidJobException(InvalidJobException.Kind.InvalidJob, JobValidator.fieldOf(problems.get(0)),
                        job.getJobId(), "invalid job '" + job.getJobId() + "': " + String.join("; ", problems), null);
            }
        } catch (InvalidJobException e) {
            reject(record, e, now);
            return;
        }
        FanOut fanOut = FanOut.of(job, Instant.ofEpochMilli(record.timestamp()), now);
        String jobId = job.getJobId();
        send(topics.manifests(), jobId, fanOut.manifest());
        int taskPartitions = producer.partitionsFor(topics.tasks()).size();
        for (int i = 0; i < fanOut.tasks().size(); i++) {
            send(topics.tasks(), TaskPartitions.partition(jobId, i, taskPartitions), jobId, fanOut.tasks().get(i));
        }
        for (JobRequest child : fanOut.childJobs()) {
            send(topics.jobs(), child.getJobId(), child);
        }
        send(topics.jobEvents(), jobId, JobEvent.newBuilder().setJobId(jobId).setRound(fanOut.manifest().getRound())
                .setType(JobEventType.JOB_DISPATCHED).setAt(now)
                .setMessage(fanOut.manifest().getBranches().size() + " branches"
                        + (fanOut.childJobs().isEmpty() ? "" : ", " + fanOut.childJobs().size() + " as child jobs"))
                .build());
    }

    private void send(String topic, String key, SpecificRecord value) {
        send(topic, null, key, value);
    }

    /** Sends to {@code partition}, or where the key hashes to when it is null. */
    private void send(String topic, Integer partition, String key, SpecificRecord value) {
        track(producer.send(new ProducerRecord<>(topic, partition, key, serializer.serialize(topic, value))));
    }

    /** Low-latency mode: a send to confirm before the batch's offsets are committed. */
    private void track(java.util.concurrent.Future<?> sent) {
        if (!transactional) {
            unconfirmed.add(sent);
        }
    }

    /**
     * A record that cannot be dispatched: to the jobs dead-letter topic with its original bytes and headers plus
     * the reason ({@value #ERROR_HEADER}: the whole reason; {@code braid.error.class}, {@code .message},
     * {@code .field}; {@code braid.source}: where it came from), and, when its jobId could be read, a FAILED
     * JobResult saying why — all in the batch's transaction.
     */
    private void reject(ConsumerRecord<String, byte[]> record, InvalidJobException e, Instant now) {
        log.warn("job record {}-{}@{} dead-lettered: {}", record.topic(), record.partition(), record.offset(),
                e.getMessage());
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(ERROR_HEADER, bytes(e.getMessage()));
        headers.add(ERROR_CLASS_HEADER, bytes(e.kind().name()));
        headers.add(ERROR_MESSAGE_HEADER, bytes(e.getMessage()));
        e.field().ifPresent(field -> headers.add(ERROR_FIELD_HEADER, bytes(field)));
        headers.add("braid.source", bytes(record.topic() + "-" + record.partition() + "@" + record.offset()));
        track(producer.send(new ProducerRecord<>(topics.jobsDeadLetter(), null, record.key(), record.value(),
                headers)));
        e.jobId().ifPresent(jobId -> send(topics.jobResults(), jobId, JobResult.newBuilder()
                .setJobId(jobId).setStatus(JobStatus.FAILED).setCompletedBy("REJECTED").setBranches(List.of())
                .setSubmittedAt(Instant.ofEpochMilli(record.timestamp()))
                // at least once, a rejection may be written again: stamped from the record, it is the same
                .setCompletedAt(transactional ? now : Instant.ofEpochMilli(record.timestamp()))
                .setRejection(new BranchError(e.kind().name(), e.getMessage(), false)).build()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Dispatches every record of the batch; returns the offsets to commit after it. */
    private Map<TopicPartition, OffsetAndMetadata> dispatchAll(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        Instant now = clock.instant();
        for (ConsumerRecord<String, byte[]> record : records) {
            dispatch(record, now);
            next.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
        }
        return next;
    }

    /** The low-latency mode: send, flush, then commit the offsets; on a failure read the batch again. */
    private void dispatchBatchAtLeastOnce(ConsumerRecords<String, byte[]> records) {
        try {
            Map<TopicPartition, OffsetAndMetadata> next = dispatchAll(records);
            producer.flush();
            for (java.util.concurrent.Future<?> sent : unconfirmed) {
                sent.get(); // a send that failed fails the batch: nothing is committed, it is read again
            }
            consumer.commitSync(next);
        } catch (AuthorizationException e) {
            throw e;
        } catch (KafkaException | java.util.concurrent.ExecutionException e) {
            log.warn("dispatch failed, the batch will be read again: {}", e.toString());
            rewind(records);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rewind(records);
        } finally {
            unconfirmed.clear();
        }
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

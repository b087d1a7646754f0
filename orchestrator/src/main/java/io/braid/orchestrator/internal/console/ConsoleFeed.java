package io.braid.orchestrator.internal.console;

import io.braid.schema.BranchTask;
import io.braid.schema.DeadLetterHeaders;
import io.braid.schema.JobEvent;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.Topics;
import io.braid.schema.WorkerStatus;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.kafka.Offsets;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.serde.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Feeds the console's index: one consumer, no group (every instance reads every partition), assigned the
 * manifests, events, job-results, tasks dead-letter and workers topics from {@code history} ago, decoding each record
 * and handing it to the {@link JobIndex}, the {@link DeadLetterLog} or the {@link WorkerStatuses}. An unreadable record is skipped (the console is a
 * view: the join and the dead-letter topics decide). Samples the fleet between polls.
 */
final class ConsoleFeed implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsoleFeed.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final Instant since;
    private final JobIndex jobs;
    private final DeadLetterLog deadLetters;
    private final FleetStats fleet;
    private final LongSupplier backlog;
    private final AvroDeserializer<JobManifest> manifests;
    private final AvroDeserializer<JobEvent> events;
    private final AvroDeserializer<JobResult> results;
    private final AvroDeserializer<BranchTask> tasks;
    private final WorkerStatuses workers;
    private final AvroDeserializer<WorkerStatus> statuses;
    private volatile boolean closed;

    ConsoleFeed(KafkaConnection kafka, SchemaRegistry registry, Topics topics, Duration history, Clock clock,
                JobIndex jobs, DeadLetterLog deadLetters, FleetStats fleet, LongSupplier backlog,
                WorkerStatuses workers) {
        this.consumer = new KafkaConsumer<>(kafka.config(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000)), new StringDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.since = clock.instant().minus(history);
        this.jobs = jobs;
        this.deadLetters = deadLetters;
        this.fleet = fleet;
        this.backlog = backlog;
        this.manifests = new AvroDeserializer<>(registry, JobManifest.class);
        this.events = new AvroDeserializer<>(registry, JobEvent.class);
        this.results = new AvroDeserializer<>(registry, JobResult.class);
        this.tasks = new AvroDeserializer<>(registry, BranchTask.class);
        this.workers = workers;
        this.statuses = new AvroDeserializer<>(registry, WorkerStatus.class);
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.manifests(), topics.jobEvents(), topics.jobResults(),
                    topics.tasksDeadLetter(), topics.workers())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            Offsets.seekToTime(consumer, partitions, since);
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                fleet.sample(backlog);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                log.error("the console's feed stopped; the console shows no new jobs until a restart", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            String topic = record.topic();
            if (topic.equals(topics.jobEvents())) {
                jobs.event(events.deserialize(topic, record.value()));
            } else if (topic.equals(topics.manifests())) {
                jobs.manifest(manifests.deserialize(topic, record.value()));
            } else if (topic.equals(topics.jobResults())) {
                jobs.result(results.deserialize(topic, record.value()));
            } else if (topic.equals(topics.workers())) {
                workers.add(statuses.deserialize(topic, record.value()), Instant.ofEpochMilli(record.timestamp()));
            } else {
                deadLetters.add(letter(record));
            }
        } catch (RuntimeException e) {
            log.debug("console feed skipped {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.toString());
        }
    }

    private DeadLetterLog.Letter letter(ConsumerRecord<String, byte[]> record) {
        BranchTask task = null;
        try {
            task = tasks.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            // an unreadable task: listed with what its headers say
        }
        String attempts = header(record, DeadLetterHeaders.ATTEMPTS, "0");
        return new DeadLetterLog.Letter(Instant.ofEpochMilli(record.timestamp()), String.valueOf(record.key()),
                task == null ? "(unreadable task)" : task.getBranch().getBranchId(), task == null ? 0 : task.getRound(),
                header(record, DeadLetterHeaders.ERROR_CLASS, "?"), header(record, DeadLetterHeaders.ERROR_MESSAGE, ""),
                Boolean.parseBoolean(header(record, DeadLetterHeaders.ERROR_RETRIABLE, "false")),
                attempts.matches("\\d{1,9}") ? Integer.parseInt(attempts) : 0);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name, String otherwise) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? otherwise
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
    }
}

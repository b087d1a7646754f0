package io.braid.client;

import io.braid.schema.DeadLetterHeaders;

import io.braid.schema.BranchTask;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.kafka.Offsets;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.serde.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads {@code braid.tasks.dlq}: the tasks whose last attempt failed, each with its error. */
public final class DeadLetters {

    /**
     * One dead-lettered branch.
     *
     * @param task the original task, or null when the record was not a readable task
     */
    public record DeadLetter(String jobId, String branchId, int round, String errorClass, String message,
                             boolean retriable, int attempts, Instant firstFailure, Instant lastFailure,
                             BranchTask task) {
    }

    private DeadLetters() {
    }

    /** Every dead letter written since {@code since}, oldest first per partition. */
    public static List<DeadLetter> since(KafkaConnection kafka, SchemaRegistry registry, Topics topics,
                                         Instant since) {
        AvroDeserializer<BranchTask> tasks = new AvroDeserializer<>(registry, BranchTask.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.config(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000)), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions;
            try {
                partitions = consumer.partitionsFor(topics.tasksDeadLetter()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new IllegalStateException("Kafka at " + kafka.bootstrapServers() + " did not answer within 15 s; is it "
                        + "running? (check --bootstrap-servers)", e);
            }
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topics.tasksDeadLetter() + " does not exist; is an "
                        + "orchestrator running against " + kafka.bootstrapServers() + "?");
            }
            consumer.assign(partitions);
            Offsets.seekToTime(consumer, partitions, since);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<DeadLetter> letters = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(read(record, tasks));
                }
            }
            return letters;
        }
    }

    private static DeadLetter read(ConsumerRecord<String, byte[]> record, AvroDeserializer<BranchTask> tasks) {
        BranchTask task = null;
        try {
            task = tasks.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            // an unreadable task record: listed with what its headers say
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        return new DeadLetter(record.key(), task == null ? "(unreadable task)" : task.getBranch().getBranchId(),
                task == null ? 0 : task.getRound(), header(record, DeadLetterHeaders.ERROR_CLASS, "?"),
                header(record, DeadLetterHeaders.ERROR_MESSAGE, ""),
                Boolean.parseBoolean(header(record, DeadLetterHeaders.ERROR_RETRIABLE, "false")),
                Integer.parseInt(header(record, DeadLetterHeaders.ATTEMPTS, "0")),
                instant(header(record, DeadLetterHeaders.FIRST_FAILURE, null), at),
                instant(header(record, DeadLetterHeaders.LAST_FAILURE, null), at), task);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name, String otherwise) {
        Header header = record.headers().lastHeader(name);
        return header == null ? otherwise : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Instant instant(String text, Instant otherwise) {
        return text == null ? otherwise : Instant.parse(text);
    }
}

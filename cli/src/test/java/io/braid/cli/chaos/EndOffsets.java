package io.braid.cli.chaos;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/** Waits until topics stop growing: their end offsets (read committed) unchanged for a while. */
final class EndOffsets {

    private EndOffsets() {
    }

    /** Returns once the end offsets of {@code topics} have not moved for {@code quiet} (at most 2 minutes). */
    static void awaitSettled(String bootstrapServers, List<String> topics, Duration quiet) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = topics.stream().flatMap(topic -> consumer.partitionsFor(topic).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            AtomicReference<Map<TopicPartition, Long>> last = new AtomicReference<>(Map.of());
            AtomicLong since = new AtomicLong(System.nanoTime());
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<TopicPartition, Long> now = consumer.endOffsets(partitions);
                if (!now.equals(last.getAndSet(now))) {
                    since.set(System.nanoTime());
                }
                return System.nanoTime() - since.get() >= quiet.toNanos();
            });
        }
    }
}

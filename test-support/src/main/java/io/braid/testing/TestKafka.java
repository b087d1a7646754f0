package io.braid.testing;

import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.stack.EmbeddedKafkaBroker;
import io.braid.stack.EmbeddedStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Kafka broker (in-process KRaft, Kafka's own server classes) plus the embedded schema registry — an
 * {@link EmbeddedStack} — on free loopback ports and a temporary directory, deleted on close: start one per test
 * class.
 */
public final class TestKafka implements AutoCloseable {

    private final Path dataDir;
    private final EmbeddedStack stack;

    private TestKafka(Path dataDir, EmbeddedStack stack) {
        this.dataDir = dataDir;
        this.stack = stack;
    }

    public static TestKafka start() {
        return start(Map.of());
    }

    /** A broker with extra settings, e.g. {@code group.share.record.lock.duration.ms}. */
    public static TestKafka start(Map<String, String> brokerOverrides) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("braid-test-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestKafka(dataDir, EmbeddedStack.start(new EmbeddedKafkaBroker.Options(dataDir, 0,
                brokerOverrides), 0));
    }

    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    public String registryUrl() {
        return stack.registryUrl();
    }

    public SchemaRegistryClient registryClient() {
        return new SchemaRegistryClient(registryUrl());
    }

    /** Every record of {@code topic} from the beginning up to its current end. */
    public <V> List<ConsumerRecord<String, V>> readAll(String topic, Deserializer<V> valueDeserializer) {
        return readAll(bootstrapServers(), topic, valueDeserializer);
    }

    /** Every committed record of {@code topic} on {@code bootstrapServers}, from the beginning to its current end. */
    public static <V> List<ConsumerRecord<String, V>> readAll(String bootstrapServers, String topic,
                                                              Deserializer<V> valueDeserializer) {
        return readAll(KafkaConnection.plain(bootstrapServers), topic, valueDeserializer);
    }

    /** As {@link #readAll(String, String, Deserializer)}, on a secured Kafka. */
    public static <V> List<ConsumerRecord<String, V>> readAll(KafkaConnection kafka, String topic,
                                                              Deserializer<V> valueDeserializer) {
        Map<String, Object> config = kafka.config(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                valueDeserializer)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map((PartitionInfo p) -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, V>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    @Override
    public void close() {
        stack.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}

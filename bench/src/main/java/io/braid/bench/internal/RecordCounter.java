package io.braid.bench.internal;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts records arriving on a topic from the moment it is created: the benchmark's finish line. Reads
 * committed records only, so a job result counts once its transaction commits.
 */
final class RecordCounter implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private long counted;
    /** The counted records' own timestamps (when their producers wrote them), in arrival order. */
    private long[] writtenAt = new long[1024];
    /** The counted records' keys (job IDs on the job results topic), for saying which never arrived. */
    private final Set<String> keys = new HashSet<>();

    RecordCounter(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /**
     * Polls until {@code target} records have arrived since creation; returns the nanoTime at which the last one
     * was seen, or throws if {@code timeout} passes first.
     */
    long awaitCount(long target, Duration timeout, Runnable onPoll) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (counted < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + counted + " of " + target + " records arrived within "
                        + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                if (counted == writtenAt.length) {
                    writtenAt = Arrays.copyOf(writtenAt, writtenAt.length * 2);
                }
                writtenAt[(int) counted++] = record.timestamp();
                if (record.key() != null) {
                    keys.add(new String(record.key(), StandardCharsets.UTF_8));
                }
            }
            onPoll.run();
        }
        return System.nanoTime();
    }

    /**
     * The sustained rate, without the ramp-up and the drain: records per second between the moments the
     * {@code from} and {@code to} fractions of the counted records had been written (by their record timestamps).
     */
    double sustainedRate(double from, double to) {
        return Stats.rateBetween(Arrays.copyOf(writtenAt, (int) counted), from, to);
    }

    /** How long after {@code from} of the counted records had been written the last one was, in ms. */
    long tailMillis(double from) {
        return Stats.tailMillis(Arrays.copyOf(writtenAt, (int) counted), from);
    }

    /** The keys of the records counted so far. */
    Set<String> keys() {
        return Set.copyOf(keys);
    }

    @Override
    public void close() {
        consumer.close();
    }
}

package io.braid.schema.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Positioning an assigned consumer by time, as the client, the CLI and the workers' control listener do. */
public final class Offsets {

    private Offsets() {
    }

    /**
     * Moves each partition to its first record at or after {@code since}, or, when it has none that recent, to
     * where its end was before the query — not {@code seekToEnd}, which is resolved later and would skip a record
     * appended in between (the answer one is waiting for).
     */
    public static void seekToTime(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Instant since) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            consumer.seek(partition, offset != null ? offset.offset() : ends.get(partition));
        }
    }
}

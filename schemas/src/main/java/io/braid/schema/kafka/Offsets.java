package io.braid.schema.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Positioning an assigned consumer by time, as the client, the CLI and the workers' control listener do. */
public final class Offsets {

    private Offsets() {
    }

    /**
     * Moves each partition to its first record at or after {@code since}, or to its end when it has none that
     * recent.
     */
    public static void seekToTime(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Instant since) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            if (offset == null) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
    }
}

package io.braid.worker.consume;

import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.kafka.Offsets;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.worker.execute.Cancellations;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows the control topic — every partition, no consumer group, so each worker sees every command — and
 * hands CANCEL commands to {@link Cancellations}. On start it reads back {@code lookback} of history, so a
 * worker that joins late still skips tasks of jobs cancelled shortly before.
 */
public final class ControlListener implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final AvroDeserializer<JobControl> deserializer;
    private final Cancellations cancellations;
    private final Duration lookback;
    private final Clock clock;
    private volatile boolean running = true;
    private final CountDownLatch closed = new CountDownLatch(1);

    public ControlListener(Consumer<String, byte[]> consumer, String topic, AvroDeserializer<JobControl> deserializer,
                           Cancellations cancellations, Duration lookback, Clock clock) {
        this.consumer = consumer;
        this.topic = topic;
        this.deserializer = deserializer;
        this.cancellations = cancellations;
        this.lookback = lookback;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            if (!assignWhenTheTopicExists()) {
                return;
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    apply(record);
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            log.error("control listener on {} stopped: cancellations no longer reach this worker", topic, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean assignWhenTheTopicExists() {
        while (running) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions != null && !partitions.isEmpty()) {
                List<TopicPartition> assigned = partitions.stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(assigned);
                Offsets.seekToTime(consumer, assigned, clock.instant().minus(lookback));
                return true;
            }
            // The orchestrator creates the topic: look again in a second, or stop when closed meanwhile.
            try {
                if (closed.await(1, TimeUnit.SECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            JobControl control = deserializer.deserialize(record.topic(), record.value());
            // Round 0 asks the aggregator to cancel whichever round is open; it then names the round.
            if (control.getAction() == ControlAction.CANCEL && control.getRound() > 0) {
                cancellations.cancel(control.getJobId(), control.getRound());
            }
        } catch (SerializationException e) {
            log.warn("unreadable control record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    public void close() {
        running = false;
        closed.countDown();
        consumer.wakeup();
    }
}

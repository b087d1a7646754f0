package io.braid.worker.internal.consume;

import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.kafka.Offsets;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.RegistryUnavailableException;
import io.braid.worker.internal.execute.Cancellations;
import io.braid.worker.internal.observe.HealthProblems;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
 *
 * <p>A record that cannot be read while the schema registry is unavailable is read again (the batch is sought
 * back; applying a cancel twice changes nothing), so no cancel is lost to an outage; meanwhile the worker reports
 * not ready. Any failure that ends the loop, an {@link Error} included, is logged and reported to
 * {@link HealthProblems}: cancellations no longer reach this worker, so it is not live.
 */
public final class ControlListener implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** How long one read waits for the registry before its batch is polled again. */
    private static final Duration REGISTRY_WAIT = Duration.ofSeconds(10);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final AvroDeserializer<JobControl> deserializer;
    private final Cancellations cancellations;
    private final Duration lookback;
    private final Clock clock;
    private final HealthProblems health;
    private final RegistryRetry registry;
    private volatile boolean running = true;
    private final CountDownLatch closed = new CountDownLatch(1);

    public ControlListener(Consumer<String, byte[]> consumer, String topic, AvroDeserializer<JobControl> deserializer,
                           Cancellations cancellations, Duration lookback, Clock clock, HealthProblems health) {
        this.consumer = consumer;
        this.topic = topic;
        this.deserializer = deserializer;
        this.cancellations = cancellations;
        this.lookback = lookback;
        this.clock = clock;
        this.health = health;
        this.registry = new RegistryRetry(health, clock, wait -> {
            if (closed.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("closed while waiting for the schema registry");
            }
        }, REGISTRY_WAIT);
    }

    @Override
    public void run() {
        try {
            if (!assignWhenTheTopicExists()) {
                return;
            }
            while (running) {
                applyAll(consumer.poll(POLL_TIMEOUT));
            }
        } catch (WakeupException e) {
            // close()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            health.died("control listener on " + topic + " (cancellations no longer reach this worker)", e);
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

    /** Applies the batch; if the registry stays unavailable, seeks back to its start so that it is read again. */
    private void applyAll(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        try {
            for (ConsumerRecord<String, byte[]> record : records) {
                apply(record);
            }
        } catch (RegistryUnavailableException e) {
            log.warn("control records on {} cannot be read while the schema registry is unavailable; reading them "
                    + "again: {}", topic, e.getMessage());
            for (TopicPartition partition : records.partitions()) {
                consumer.seek(partition, records.records(partition).getFirst().offset());
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        if (record.value() == null) {
            return;
        }
        try {
            JobControl control = registry.call(() -> deserializer.deserialize(record.topic(), record.value()));
            // Round 0 asks the aggregator to cancel whichever round is open; it then names the round.
            if (control.getAction() == ControlAction.CANCEL && control.getRound() > 0) {
                cancellations.cancel(control.getJobId(), control.getRound());
            }
        } catch (RegistryUnavailableException e) {
            throw e;
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

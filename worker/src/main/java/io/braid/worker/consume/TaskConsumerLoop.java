package io.braid.worker.consume;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One share consumer on its own thread. Each poll's records run concurrently on the branch executor (virtual
 * threads); this thread acknowledges each record as its branch finishes and sends the acknowledgements at once
 * ({@code commitAsync}), and polls again only when the whole batch is acknowledged — the share consumer requires
 * that in explicit mode. So one loop holds at most {@code max.poll.records} branches in flight.
 */
public final class TaskConsumerLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TaskConsumerLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(250);

    private record Finished(ConsumerRecord<String, byte[]> record, AcknowledgeType type) {
    }

    private final ShareConsumer<String, byte[]> consumer;
    private final String topic;
    private final ExecutorService branches;
    private final TaskHandler handler;
    private final AtomicInteger inFlight;
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private volatile boolean running = true;

    public TaskConsumerLoop(ShareConsumer<String, byte[]> consumer, String topic, ExecutorService branches,
                            TaskHandler handler, AtomicInteger inFlight) {
        this.consumer = consumer;
        this.topic = topic;
        this.branches = branches;
        this.handler = handler;
        this.inFlight = inFlight;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
                int pending = 0;
                for (ConsumerRecord<String, byte[]> record : records) {
                    pending++;
                    inFlight.incrementAndGet();
                    branches.execute(() -> finished.add(new Finished(record, handleSafely(record))));
                }
                acknowledgeAsTheyFinish(pending);
            }
        } catch (WakeupException e) {
            // close() during poll
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Records still unacknowledged are released by close, so other workers pick them up.
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private AcknowledgeType handleSafely(ConsumerRecord<String, byte[]> record) {
        try {
            return handler.handle(record);
        } catch (RuntimeException e) {
            log.error("unexpected failure handling task {}-{}@{}; releasing it", record.topic(), record.partition(),
                    record.offset(), e);
            return AcknowledgeType.RELEASE;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void acknowledgeAsTheyFinish(int pending) throws InterruptedException {
        while (pending > 0 && running) {
            Finished done = finished.poll(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (done == null) {
                continue;
            }
            do {
                consumer.acknowledge(done.record(), done.type());
                pending--;
            } while ((done = finished.poll()) != null);
            consumer.commitAsync();
        }
    }

    /** Stops polling; unacknowledged records are released when the consumer closes. */
    public void close() {
        running = false;
        consumer.wakeup();
    }
}

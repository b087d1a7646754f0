package io.braid.spring.internal;

import io.braid.schema.JobEvent;
import io.braid.schema.JobResult;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.serde.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.support.Acknowledgment;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The template's one listener on the job-results and job-events topics (a spring-kafka listener container runs it):
 * a result of a job the template waits for completes its future, an event goes to the job's callback and to every
 * registered listener. Records of other jobs are skipped by their key, unread. A record that cannot be read is
 * logged and skipped (a result's job fails with the reason): no record stops the listener.
 *
 * <p>On assignment it seeks to {@code fromMillis} (when the template started, less a margin), so a result that
 * arrived before the consumer joined its group is still read. It commits nothing.
 */
public final class ResultsListener implements AcknowledgingMessageListener<String, byte[]>, ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(ResultsListener.class);

    private final Topics topics;
    private final PendingJobs pending;
    private final long fromMillis;
    private final AvroDeserializer<JobResult> results;
    private final AvroDeserializer<JobEvent> events;
    private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

    public ResultsListener(Topics topics, SchemaRegistry registry, PendingJobs pending, long fromMillis) {
        this.topics = topics;
        this.pending = pending;
        this.fromMillis = fromMillis;
        this.results = new AvroDeserializer<>(registry, JobResult.class);
        this.events = new AvroDeserializer<>(registry, JobEvent.class);
    }

    /** Adds a listener of every job's events (those of jobs other templates submitted too). */
    public void addListener(Consumer<JobEvent> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<JobEvent> listener) {
        listeners.remove(listener);
    }

    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record, Acknowledgment acknowledgment) {
        if (record.value() == null) {
            return;
        }
        if (record.topic().equals(topics.jobResults())) {
            onResult(record);
        } else if (pending.awaits(record.key()) || !listeners.isEmpty()) {
            onEvent(record);
        }
    }

    private void onResult(ConsumerRecord<String, byte[]> record) {
        if (!pending.awaits(record.key())) {
            return;
        }
        JobResult result;
        try {
            result = results.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            pending.fail(record.key(), new IllegalStateException("the result of job " + record.key() + " at "
                    + record.topic() + "-" + record.partition() + "@" + record.offset() + " cannot be read: "
                    + e.getMessage(), e));
            return;
        }
        pending.result(result);
    }

    private void onEvent(ConsumerRecord<String, byte[]> record) {
        JobEvent event;
        try {
            event = events.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            log.warn("skipping an unreadable event at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        pending.event(event);
        for (Consumer<JobEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("a Braid event listener failed on {} of job {}: {}", event.getType(), event.getJobId(),
                        e.toString());
            }
        }
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        assigned.addAll(assignments.keySet());
        callback.seekToTimestamp(assignments.keySet(), fromMillis);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
    }

    /** How many partitions of the job-results topic this listener holds: all of them, once it has joined. */
    public long resultPartitionsAssigned() {
        return assigned.stream().filter(p -> p.topic().equals(topics.jobResults())).count();
    }
}

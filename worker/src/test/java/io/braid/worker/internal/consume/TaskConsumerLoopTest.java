package io.braid.worker.internal.consume;

import io.braid.schema.BranchTask;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.worker.ProgressListener;
import io.braid.worker.internal.observe.HealthProblems;
import io.braid.worker.internal.observe.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.AcknowledgementCommitCallback;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockShareConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRecordStateException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer loop against a share consumer fake (the broker's side is covered by the fleet tests). */
class TaskConsumerLoopTest {

    private static final String TASKS = "braid.tasks";

    /** A share consumer whose broker refuses every acknowledgement, answering through the commit callback. */
    private static final class RefusingShareConsumer extends MockShareConsumer<String, byte[]> {
        private final TopicIdPartition partition = new TopicIdPartition(Uuid.randomUuid(), 0, TASKS);
        private final Set<Long> acknowledged = new HashSet<>();
        private AcknowledgementCommitCallback callback;

        @Override
        public void setAcknowledgementCommitCallback(AcknowledgementCommitCallback callback) {
            this.callback = callback;
        }

        @Override
        public synchronized void acknowledge(ConsumerRecord<String, byte[]> record, AcknowledgeType type) {
            acknowledged.add(record.offset());
        }

        @Override
        public synchronized void commitAsync() {
            Map<TopicIdPartition, Set<Long>> offsets = new HashMap<>();
            offsets.put(partition, Set.copyOf(acknowledged));
            acknowledged.clear();
            callback.onComplete(offsets, new InvalidRecordStateException("the record is not acquired"));
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry, "w1", 10);
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final HealthProblems health = new HealthProblems(Clock.systemUTC());

    /** A handler without a runner: the tests' records are not tasks, each is dead-lettered and rejected. */
    private TaskHandler handler() {
        InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
        return new TaskHandler(Topics.defaults(), new AvroDeserializer<>(schemas, BranchTask.class),
                new AvroSerializer<>(schemas), producer, null, metrics, ProgressListener.NONE, 1024,
                new RegistryRetry(health, Clock.systemUTC(), wait -> { }, Duration.ZERO));
    }

    @Test
    void anAcknowledgementTheBrokerRefusedIsCountedAndTheLoopKeepsConsuming() throws Exception {
        RefusingShareConsumer consumer = new RefusingShareConsumer();
        consumer.subscribe(List.of(TASKS));
        // unreadable task records: the handler dead-letters each one and acknowledges it as REJECT
        consumer.addRecord(new ConsumerRecord<>(TASKS, 0, 0L, "job-1", new byte[] {1, 2, 3}));
        consumer.addRecord(new ConsumerRecord<>(TASKS, 0, 1L, "job-2", new byte[] {4, 5, 6}));
        TaskHandler handler = handler();
        TaskConsumerLoop loop = new TaskConsumerLoop(consumer, TASKS, Runnable::run, handler, metrics, health);

        Thread thread = Thread.ofPlatform().start(loop);
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    registry.get("braid.worker.acknowledgements.failed").tag("worker", "w1").counter().count())
                    .isEqualTo(2.0));
            // a later record is still taken on
            consumer.addRecord(new ConsumerRecord<>(TASKS, 0, 2L, "job-3", new byte[] {7}));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    registry.get("braid.worker.acknowledgements.failed").tag("worker", "w1").counter().count())
                    .isEqualTo(3.0));
        } finally {
            loop.stopFetching();
            thread.join(Duration.ofSeconds(10));
        }
        assertThat(loop.failure()).isNull();
        assertThat(producer.history()).extracting(record -> record.topic())
                .containsOnly(Topics.defaults().tasksDeadLetter()).hasSize(3);
    }

    @Test
    void aThrottledLoopPollsNothingUntilTheBacklogClears() throws Exception {
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        MockShareConsumer<String, byte[]> consumer = new MockShareConsumer<>() {
            @Override
            public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<String, byte[]> poll(
                    Duration timeout) {
                polls.incrementAndGet();
                return super.poll(timeout);
            }
        };
        consumer.subscribe(List.of(TASKS));
        consumer.addRecord(new ConsumerRecord<>(TASKS, 0, 0L, "job-1", new byte[] {1, 2, 3}));
        TaskHandler handler = handler();
        java.util.concurrent.atomic.AtomicBoolean backlogged = new java.util.concurrent.atomic.AtomicBoolean(true);
        TaskConsumerLoop loop = new TaskConsumerLoop(consumer, TASKS, Runnable::run, handler, metrics, health,
                backlogged::get);

        Thread thread = Thread.ofPlatform().start(loop);
        try {
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(polls).hasValue(0));
            assertThat(producer.history()).as("the record was not taken").isEmpty();

            backlogged.set(false);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(producer.history()).hasSize(1));
            assertThat(polls.get()).isPositive();
        } finally {
            loop.stopFetching();
            thread.join(Duration.ofSeconds(10));
        }
        assertThat(loop.failure()).isNull();
    }
}

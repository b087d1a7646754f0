package io.braid.worker.internal;

import io.braid.schema.BranchTask;
import io.braid.schema.JobControl;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.worker.ProgressListener;
import io.braid.worker.Worker;
import io.braid.worker.WorkerHealth;
import io.braid.worker.internal.consume.ControlListener;
import io.braid.worker.internal.consume.RegistryRetry;
import io.braid.worker.internal.consume.TaskConsumerLoop;
import io.braid.worker.internal.consume.TaskHandler;
import io.braid.worker.internal.execute.Cancellations;
import io.braid.worker.internal.observe.HealthProblems;
import io.braid.worker.internal.observe.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.MockShareConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A worker loop ended by an {@link Error} is reported: the worker's health goes not ready and not live, with why. */
class LoopFailureHealthTest {

    private static final Topics TOPICS = Topics.defaults();
    private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    private final HealthProblems problems = new HealthProblems(Clock.systemUTC());
    private final WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry(), "w1", 8);

    private TaskConsumerLoop loop(MockShareConsumer<String, byte[]> consumer) {
        TaskHandler handler = new TaskHandler(TOPICS, new AvroDeserializer<>(schemas, BranchTask.class),
                new AvroSerializer<>(schemas), new MockProducer<>(), null, metrics, ProgressListener.NONE, 1024,
                new RegistryRetry(problems, Clock.systemUTC(), wait -> { }, Duration.ZERO));
        return new TaskConsumerLoop(consumer, TOPICS.tasks(), Runnable::run, handler, metrics, problems);
    }

    private WorkerHealth health(List<TaskConsumerLoop> loops) {
        return WorkerRuntime.health(Worker.State.RUNNING, loops, problems, null, 0, 8);
    }

    @Test
    void a_consumer_loop_ended_by_an_error_makes_the_worker_not_ready_and_not_live_saying_why() throws Exception {
        MockShareConsumer<String, byte[]> healthy = new MockShareConsumer<>();
        MockShareConsumer<String, byte[]> failing = new MockShareConsumer<>() {
            private int polls;

            @Override
            public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
                if (++polls > 2) {
                    throw new OutOfMemoryError("Java heap space (test)");
                }
                return super.poll(timeout);
            }
        };
        TaskConsumerLoop good = loop(healthy);
        TaskConsumerLoop bad = loop(failing);
        Thread goodThread = Thread.ofPlatform().start(good);
        Thread badThread = Thread.ofPlatform().start(bad);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> bad.failure() != null);

            WorkerHealth health = health(List.of(good, bad));
            assertThat(health.ready()).isFalse();
            assertThat(health.live()).isFalse();
            assertThat(health.problem()).contains("share consumer loop on " + TOPICS.tasks())
                    .contains("OutOfMemoryError: Java heap space (test)");
            assertThat(bad.failure()).isInstanceOf(OutOfMemoryError.class);
        } finally {
            good.stopFetching();
            goodThread.join(Duration.ofSeconds(10));
            badThread.join(Duration.ofSeconds(10));
        }
        assertThat(badThread.isAlive()).isFalse();
    }

    @Test
    void a_control_listener_ended_by_an_error_is_reported() throws Exception {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {
            @Override
            public synchronized List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
                throw new StackOverflowError("deep (test)");
            }
        };
        ControlListener control = new ControlListener(consumer, TOPICS.control(),
                new AvroDeserializer<>(schemas, JobControl.class), new Cancellations(), Duration.ofHours(1),
                Clock.systemUTC(), problems);

        Thread thread = Thread.ofPlatform().start(control);
        thread.join(Duration.ofSeconds(10));

        assertThat(thread.isAlive()).isFalse();
        assertThat(problems.fatal()).isTrue();
        assertThat(health(List.of()).ready()).isFalse();
        assertThat(problems.summary()).contains("control listener on " + TOPICS.control())
                .contains("cancellations no longer reach this worker").contains("deep (test)");
    }
}

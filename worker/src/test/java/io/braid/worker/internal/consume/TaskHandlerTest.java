package io.braid.worker.internal.consume;

import io.braid.schema.DeadLetterHeaders;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.Topics;
import io.braid.schema.registry.RegisteredSchema;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryException;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.BranchOutput;
import io.braid.worker.ProgressListener;
import io.braid.worker.RetryPolicy;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.execute.Cancellations;
import io.braid.worker.internal.observe.HealthProblems;
import io.braid.worker.internal.observe.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** What a task's record is acknowledged with when its result is too large, refused, or the registry is away. */
class TaskHandlerTest {

    private static final Topics TOPICS = Topics.defaults();

    /** A registry that is unavailable (503) for the calls {@code down} says, and an in-memory one otherwise. */
    private static final class FlakyRegistry implements SchemaRegistry {
        private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        private final AtomicInteger lookups = new AtomicInteger();
        private volatile int downForLookups;

        @Override
        public int register(String subject, Schema schema) {
            return registry.register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            if (lookups.incrementAndGet() <= downForLookups) {
                throw new SchemaRegistryException("503 Service Unavailable", 503, 50301);
            }
            return registry.schemaById(id);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return registry.latest(subject);
        }
    }

    /** A producer that refuses records over {@code maxBytes} as Kafka does, or every record with {@code failure}. */
    private static final class LimitedProducer extends MockProducer<String, byte[]> {
        private final int maxBytes;
        private final Function<ProducerRecord<String, byte[]>, RuntimeException> failure;

        LimitedProducer(int maxBytes, Function<ProducerRecord<String, byte[]>, RuntimeException> failure) {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
            this.maxBytes = maxBytes;
            this.failure = failure;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            RuntimeException refused = record.value().length > maxBytes
                    ? new RecordTooLargeException("The message is " + record.value().length + " bytes when "
                    + "serialized which is larger than " + maxBytes) : failure.apply(record);
            return refused != null ? CompletableFuture.failedFuture(refused) : super.send(record, callback);
        }
    }

    private final FlakyRegistry schemas = new FlakyRegistry();
    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private final HealthProblems health = new HealthProblems(clock);
    private final List<Duration> registryWaits = new ArrayList<>();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry(), "w1", 10);
    private MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());

    @AfterEach
    void tearDown() {
        calls.shutdownNow();
    }

    /** A handler whose TOOL branches answer {@code output}; registry waits advance the clock instead of sleeping. */
    private TaskHandler handler(String output, int maxResultBytes) {
        BranchRunner runner = new BranchRunner(Map.of(BranchKind.TOOL, task -> BranchOutput.text(output)), calls,
                RetryPolicy.defaults(), Duration.ofSeconds(5), Duration.ofMinutes(4), "w1", clock, clock::advance,
                ProgressListener.NONE, new Cancellations());
        RegistryRetry registry = new RegistryRetry(health, clock, wait -> {
            registryWaits.add(wait);
            // the outage is seen from the handler's thread: health says not ready while it waits
            assertThat(health.none()).isFalse();
            clock.advance(wait);
        }, Duration.ofSeconds(30));
        return new TaskHandler(TOPICS, new AvroDeserializer<>(schemas, BranchTask.class), new AvroSerializer<>(schemas),
                producer, runner, metrics, ProgressListener.NONE, maxResultBytes, registry);
    }

    private ConsumerRecord<String, byte[]> taskRecord() {
        BranchTask task = BranchTask.newBuilder().setJobId("job-1").setDispatchedAt(JobFixtures.T0)
                .setBranch(JobFixtures.toolBranch("b1", "echo", "{}")).build();
        return new ConsumerRecord<>(TOPICS.tasks(), 0, 7L, "job-1",
                new AvroSerializer<BranchTask>(schemas).serialize(TOPICS.tasks(), task));
    }

    private List<ProducerRecord<String, byte[]>> sentTo(String topic) {
        return producer.history().stream().filter(record -> record.topic().equals(topic)).toList();
    }

    private BranchResult publishedResult() {
        List<ProducerRecord<String, byte[]>> results = sentTo(TOPICS.results());
        assertThat(results).hasSize(1);
        return new AvroDeserializer<>(schemas, BranchResult.class).deserialize(TOPICS.results(),
                results.getFirst().value());
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** A handler whose TOOL branches never get a turn under a rate limit. */
    private TaskHandler handlerWithoutTurns() {
        return handlerWithoutTurns(io.braid.worker.WorkerOptions.DEFAULT_SHARE_DELIVERY_LIMIT);
    }

    /** As {@link #handlerWithoutTurns()}, for a share group archiving records after {@code deliveryLimit}. */
    private TaskHandler handlerWithoutTurns(int deliveryLimit) {
        return handlerWithoutTurns(deliveryLimit, ProgressListener.NONE);
    }

    private TaskHandler handlerWithoutTurns(int deliveryLimit, ProgressListener progress) {
        BranchRunner runner = new BranchRunner(Map.of(BranchKind.TOOL, task -> {
            throw new io.braid.worker.internal.flow.NoTurnException("model 'fast' has no turn (rateLimits.fast)");
        }), calls, RetryPolicy.defaults(), Duration.ofSeconds(5), Duration.ofMinutes(4), "w1", clock, clock::advance,
                ProgressListener.NONE, new Cancellations());
        return new TaskHandler(TOPICS, new AvroDeserializer<>(schemas, BranchTask.class),
                new AvroSerializer<>(schemas), producer, runner, metrics, progress, 1_000_000,
                new RegistryRetry(health, clock, clock::advance, Duration.ofSeconds(30)), deliveryLimit);
    }

    private ConsumerRecord<String, byte[]> delivered(int count) {
        ConsumerRecord<String, byte[]> record = taskRecord();
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), 0L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, record.key(), record.value(),
                new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty(),
                java.util.Optional.of((short) count));
    }

    @Test
    void the_last_delivery_is_the_configured_share_delivery_limit_not_always_five() {
        assertThat(handlerWithoutTurns().handle(delivered(3))).as("third of Kafka's default five: released")
                .isEqualTo(AcknowledgeType.RELEASE);
        assertThat(producer.history()).isEmpty();

        assertThat(handlerWithoutTurns(3).handle(delivered(3))).as("the last of a group limited to three")
                .isEqualTo(AcknowledgeType.ACCEPT);
        assertThat(publishedResult().getError().getErrorClass()).isEqualTo("NoTurnException");
    }

    @Test
    void a_branch_without_a_turn_under_its_rate_limit_is_released_with_nothing_published() {
        assertThat(handlerWithoutTurns().handle(taskRecord())).isEqualTo(AcknowledgeType.RELEASE);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void a_released_branch_drops_its_streamed_output_buffer_so_streaming_never_fills_up() {
        ProgressPublisher progress = new ProgressPublisher(TOPICS, new AvroSerializer<>(schemas),
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()), "w1", clock);
        BranchTask task = BranchTask.newBuilder().setJobId("job-1").setDispatchedAt(JobFixtures.T0)
                .setBranch(JobFixtures.toolBranch("b1", "echo", "{}")).build();
        progress.partialOutput(task, "streamed before the release");
        assertThat(progress.streamingBranches()).isEqualTo(1);

        assertThat(handlerWithoutTurns(io.braid.worker.WorkerOptions.DEFAULT_SHARE_DELIVERY_LIMIT, progress)
                .handle(taskRecord())).isEqualTo(AcknowledgeType.RELEASE);

        assertThat(progress.streamingBranches()).as("released, never finished here: its buffer is gone").isZero();
    }

    @Test
    void on_its_last_delivery_a_branch_without_a_turn_is_answered_failed_not_released() {
        ConsumerRecord<String, byte[]> record = taskRecord();
        ConsumerRecord<String, byte[]> lastDelivery = new ConsumerRecord<>(record.topic(), record.partition(),
                record.offset(), 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, record.key(),
                record.value(), new org.apache.kafka.common.header.internals.RecordHeaders(),
                java.util.Optional.empty(), java.util.Optional.of((short) io.braid.worker.WorkerOptions.DEFAULT_SHARE_DELIVERY_LIMIT));

        assertThat(handlerWithoutTurns().handle(lastDelivery)).isEqualTo(AcknowledgeType.ACCEPT);

        BranchResult result = publishedResult();
        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getError().getErrorClass()).isEqualTo("NoTurnException");
        assertThat(result.getError().getRetriable()).isTrue();
        assertThat(result.getError().getMessage()).contains("rateLimits.fast");
    }

    @Test
    void a_result_over_the_limit_is_answered_output_too_large_dead_lettered_and_acknowledged() {
        TaskHandler handler = handler("x".repeat(5_000), 2_048);

        AcknowledgeType ack = handler.handle(taskRecord());

        assertThat(ack).isEqualTo(AcknowledgeType.ACCEPT);
        BranchResult result = publishedResult();
        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getOutput()).isNull();
        assertThat(result.getError().getErrorClass()).isEqualTo("OutputTooLarge");
        assertThat(result.getError().getRetriable()).isFalse();
        assertThat(result.getError().getMessage()).contains("over this worker's limit of 2048 bytes")
                .contains("--max-result-bytes").containsPattern("result is 50\\d\\d bytes");
        List<ProducerRecord<String, byte[]>> deadLetters = sentTo(TOPICS.tasksDeadLetter());
        assertThat(deadLetters).singleElement().satisfies(letter -> {
            assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("OutputTooLarge");
            assertThat(header(letter, DeadLetterHeaders.ERROR_RETRIABLE)).isEqualTo("false");
        });
    }

    @Test
    void a_result_kafka_refuses_as_too_large_is_answered_too_large_and_acknowledged_not_released() {
        producer = new LimitedProducer(3_000, record -> null);
        TaskHandler handler = handler("y".repeat(4_000), 1_000_000);

        AcknowledgeType ack = handler.handle(taskRecord());

        assertThat(ack).isEqualTo(AcknowledgeType.ACCEPT);
        BranchResult result = publishedResult();
        assertThat(result.getError().getErrorClass()).isEqualTo("TooLarge");
        assertThat(result.getError().getMessage()).contains("max.request.size").contains("larger than 3000");
        assertThat(sentTo(TOPICS.tasksDeadLetter())).hasSize(1);
    }

    @Test
    void a_send_that_may_pass_releases_the_task() {
        producer = new LimitedProducer(Integer.MAX_VALUE, record -> new NetworkException("connection reset"));

        assertThat(handler("ok", 2_048).handle(taskRecord())).isEqualTo(AcknowledgeType.RELEASE);
    }

    @Test
    void a_task_unreadable_while_the_registry_is_away_waits_for_it_with_backoff_then_runs() {
        ConsumerRecord<String, byte[]> record = taskRecord();
        schemas.downForLookups = 3;

        AcknowledgeType ack = handler("fine", 2_048).handle(record);

        assertThat(ack).isEqualTo(AcknowledgeType.ACCEPT);
        assertThat(registryWaits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(400));
        assertThat(publishedResult().getOutput()).isEqualTo("fine");
        assertThat(sentTo(TOPICS.tasksDeadLetter())).isEmpty();
        assertThat(health.none()).isTrue();
    }

    @Test
    void a_task_unreadable_for_the_whole_wait_is_released_not_dead_lettered_and_the_worker_is_not_ready() {
        ConsumerRecord<String, byte[]> record = taskRecord();
        schemas.downForLookups = Integer.MAX_VALUE;

        AcknowledgeType ack = handler("never", 2_048).handle(record);

        assertThat(ack).isEqualTo(AcknowledgeType.RELEASE);
        assertThat(producer.history()).isEmpty();
        assertThat(registryWaits.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofSeconds(30));
        assertThat(registryWaits).contains(RegistryRetry.MAX_DELAY).allSatisfy(wait ->
                assertThat(wait).isLessThanOrEqualTo(RegistryRetry.MAX_DELAY));
        assertThat(health.summary()).startsWith("schema registry: ").contains("503");
        assertThat(health.fatal()).isFalse();
    }

    @Test
    void a_record_that_is_not_a_task_is_still_dead_lettered_and_rejected() {
        ConsumerRecord<String, byte[]> garbage = new ConsumerRecord<>(TOPICS.tasks(), 0, 1L, "k", new byte[] {9, 9});

        assertThat(handler("x", 2_048).handle(garbage)).isEqualTo(AcknowledgeType.REJECT);
        assertThat(sentTo(TOPICS.tasksDeadLetter())).hasSize(1);
    }
}

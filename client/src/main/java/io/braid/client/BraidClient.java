package io.braid.client;

import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.kafka.Offsets;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.schema.trace.TraceHeaders;
import io.opentelemetry.context.Context;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Submits jobs and reads their progress and results, with nothing but Kafka and the schema registry: what any
 * client in any language does, in Java.
 *
 * <ul>
 *   <li>{@link #submit} publishes a {@link JobRequest} (build one, or read a JSON file with {@link JobFiles});</li>
 *   <li>{@link #awaitResult} waits for its {@link JobResult}, passing its {@link JobEvent}s (branch started,
 *       finished, ...) to a callback as they arrive; {@link #awaitRounds} returns every round read;</li>
 *   <li>{@link #replay} asks for the failed branches to run again, {@link #awaitReplayOutcome} reads the answer;</li>
 *   <li>{@link #cancel} asks for a running job to stop;</li>
 *   <li>{@link DeadLetters#since} lists the tasks whose last attempt failed.</li>
 * </ul>
 *
 * <p>One instance holds one Kafka producer; it is thread-safe and meant to be shared, and each await opens its
 * own short-lived consumer (in no consumer group). Close it when done.
 */
public final class BraidClient implements AutoCloseable {

    private final KafkaConnection kafka;
    private final Topics topics;
    private final SchemaRegistry registry;
    private final KafkaProducer<String, SpecificRecord> producer;

    /**
     * A client of a plain (PLAINTEXT) Kafka.
     *
     * @param bootstrapServers Kafka's {@code host:port} list
     * @param registryUrl      the schema registry's base URL (e.g. {@code http://localhost:8081})
     * @param topics           the topic names the orchestrator uses ({@code Topics.defaults()} unless renamed)
     */
    public BraidClient(String bootstrapServers, String registryUrl, Topics topics) {
        this(KafkaConnection.plain(bootstrapServers), registryUrl, topics);
    }

    /** A client of a Kafka that needs client properties (TLS, SASL): as above, with {@code kafka}'s settings. */
    public BraidClient(KafkaConnection kafka, String registryUrl, Topics topics) {
        this.kafka = kafka;
        this.topics = topics;
        this.registry = new SchemaRegistryClient(registryUrl);
        this.producer = new KafkaProducer<>(kafka.config(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000)),
                new StringSerializer(), new AvroSerializer<>(registry));
    }

    /**
     * Publishes {@code job} to the jobs topic (key: its jobId) and waits for the broker to acknowledge it. When the
     * calling thread has a current OpenTelemetry span (an application traced with the OpenTelemetry API or agent),
     * the record carries its W3C {@code traceparent}, and the job's trace continues it (see README "Tracing").
     *
     * @throws IllegalStateException when Kafka refused the record or did not acknowledge it within 30 s
     */
    public void submit(JobRequest job) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(topics.jobs(), job.getJobId(), job);
        TraceHeaders.inject(Context.current(), record.headers());
        send(record, "job");
    }

    /**
     * As {@link #submit(JobRequest)}, the job's trace continuing {@code traceparent} (a W3C trace context header
     * value, e.g. {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}, from an incoming request) instead
     * of the current span's. Null sends none. The orchestrator ignores one it cannot read: the job gets a new trace.
     */
    public void submit(JobRequest job, String traceparent) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(topics.jobs(), job.getJobId(), job);
        if (traceparent != null) {
            record.headers().add(TraceHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        send(record, "job");
    }

    /**
     * Asks for the job to be cancelled: a CANCEL on the control topic for whichever round is open. The aggregator
     * then completes the job as CANCELLED (listing what had arrived) and the workers skip or interrupt its
     * remaining branches. A job that already completed is not changed.
     */
    public void cancel(String jobId, String reason) {
        JobControl control = JobControl.newBuilder().setJobId(jobId).setRound(0).setAction(ControlAction.CANCEL)
                .setReason(reason).setAt(Instant.now()).build();
        send(topics.control(), jobId, control, "cancel");
    }

    /**
     * Asks the aggregator to replay the job's failed branches ({@code branches}: only these; empty: every branch
     * that did not succeed), optionally on another model. The aggregator decides — it opens a new round and
     * publishes the tasks, or refuses with the reason — and says so on the job-events topic: see
     * {@link #awaitReplayOutcome}.
     *
     * @return when the request was sent, to read the outcome from
     */
    public Instant replay(String jobId, List<String> branches, String model) {
        Instant sent = Instant.now();
        JobControl control = JobControl.newBuilder().setJobId(jobId).setRound(0).setAction(ControlAction.REPLAY)
                .setReason("replay requested").setAt(sent).setBranches(branches).setModel(model).build();
        send(topics.control(), jobId, control, "replay");
        return sent;
    }

    /** The aggregator's answer to a replay sent at {@code since}: a JOB_REPLAYED or REPLAY_REJECTED event. */
    public Optional<JobEvent> awaitReplayOutcome(String jobId, Instant since, Duration timeout) {
        AvroDeserializer<JobEvent> events = new AvroDeserializer<>(registry, JobEvent.class);
        Instant from = since.minusSeconds(1);
        return readJob(jobId, List.of(topics.jobEvents()), from, timeout, record -> {
            JobEvent event = events.deserialize(record.topic(), record.value());
            boolean answer = (event.getType() == JobEventType.JOB_REPLAYED
                    || event.getType() == JobEventType.REPLAY_REJECTED) && !event.getAt().isBefore(from);
            return answer ? Optional.of(event) : Optional.empty();
        });
    }

    private void send(String topic, String key, SpecificRecord value, String what) {
        send(new ProducerRecord<>(topic, key, value), what);
    }

    private void send(ProducerRecord<String, SpecificRecord> record, String what) {
        String topic = record.topic();
        String key = record.key();
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send the " + what + " of " + key + " to " + topic + ": "
                    + kafka.describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + kafka.bootstrapServers() + " did not acknowledge the " + what
                    + " of " + key + " within 30 s; " + kafka.unreachableAdvice(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the " + what + " of " + key, e);
        }
    }

    /**
     * Waits for the job's result — its latest round — passing its progress events to {@code onEvent} as they
     * arrive: the highest round on the job-results topic from {@code since} (null = from the beginning) to the
     * topic's end, or, when there is none yet, the first to arrive. A round a replay opened and that is still
     * running is not on the topic yet; wait for it with {@link #awaitResult(String, int, Instant, Duration,
     * Consumer)} (its round is in the JOB_REPLAYED event, and in the orchestrator's job status).
     *
     * @param onEvent the job's progress events as they arrive; null to read none
     * @return the result, or empty when none arrived within {@code timeout}
     */
    public Optional<JobResult> awaitResult(String jobId, Instant since, Duration timeout, Consumer<JobEvent> onEvent) {
        return awaitRounds(jobId, 1, since, timeout, onEvent).latest();
    }

    /** As {@link #awaitResult(String, Instant, Duration, Consumer)}, for the result of round {@code round}. */
    public Optional<JobResult> awaitResult(String jobId, int round, Instant since, Duration timeout,
                                           Consumer<JobEvent> onEvent) {
        return awaitRounds(jobId, round, since, timeout, onEvent).round(round);
    }

    /**
     * Reads the job's results from {@code since} (null = from the beginning) to the end of the job-results topic,
     * then waits until it holds round {@code round} or a later one, passing progress events to {@code onEvent}
     * (null: none read). Reads only the partitions the jobId maps to.
     *
     * @return every round read; without round {@code round} when it did not arrive within {@code timeout}
     */
    public JobRounds awaitRounds(String jobId, int round, Instant since, Duration timeout,
                                 Consumer<JobEvent> onEvent) {
        AvroDeserializer<JobResult> results = new AvroDeserializer<>(registry, JobResult.class);
        AvroDeserializer<JobEvent> events = new AvroDeserializer<>(registry, JobEvent.class);
        SortedMap<Integer, JobResult> rounds = new TreeMap<>();
        KafkaConsumer<String, byte[]> consumer = consumer();
        try {
            TopicPartition resultsPartition = partitionOf(consumer, topics.jobResults(), jobId);
            List<TopicPartition> partitions = onEvent == null ? List.of(resultsPartition)
                    : List.of(resultsPartition, partitionOf(consumer, topics.jobEvents(), jobId));
            consumer.assign(partitions);
            long end = consumer.endOffsets(List.of(resultsPartition)).get(resultsPartition);
            seek(consumer, partitions, since);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                pollJob(consumer, jobId, record -> {
                    if (record.topic().equals(topics.jobEvents())) {
                        onEvent.accept(events.deserialize(record.topic(), record.value()));
                    } else {
                        JobResult result = results.deserialize(record.topic(), record.value());
                        rounds.putIfAbsent(result.getRound(), result);
                    }
                });
                if (!rounds.isEmpty() && rounds.lastKey() >= round && consumer.position(resultsPartition) >= end) {
                    break;
                }
            }
        } finally {
            closeNow(consumer);
        }
        return new JobRounds(jobId, rounds);
    }

    /**
     * Reads the job's records (by its key) on the partitions of {@code topicNames} it maps to, from {@code since}
     * (null = from the beginning), until {@code answer} makes one the answer or {@code timeout} passes.
     */
    private <T> Optional<T> readJob(String jobId, List<String> topicNames, Instant since, Duration timeout,
                                    Function<ConsumerRecord<String, byte[]>, Optional<T>> answer) {
        KafkaConsumer<String, byte[]> consumer = consumer();
        try {
            List<TopicPartition> partitions = topicNames.stream()
                    .map(topic -> partitionOf(consumer, topic, jobId)).toList();
            consumer.assign(partitions);
            seek(consumer, partitions, since);
            long deadline = System.nanoTime() + timeout.toNanos();
            AtomicReference<T> found = new AtomicReference<>();
            while (found.get() == null && System.nanoTime() < deadline) {
                pollJob(consumer, jobId, record -> {
                    if (found.get() == null) {
                        answer.apply(record).ifPresent(found::set);
                    }
                });
            }
            return Optional.ofNullable(found.get());
        } finally {
            closeNow(consumer);
        }
    }

    /** One poll, passing on the records of the job (by its key) that are not tombstones. */
    private static void pollJob(KafkaConsumer<String, byte[]> consumer, String jobId,
                                Consumer<ConsumerRecord<String, byte[]>> onRecord) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            if (jobId.equals(record.key()) && record.value() != null) {
                onRecord.accept(record);
            }
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(kafka.config(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000)),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Closes without waiting: a plain {@code close()} waits for the fetch the broker holds open (up to
     * {@code fetch.max.wait.ms}, 500 ms), which was half a second between a job's result and its printing. The
     * consumer is in no group and has nothing to commit.
     */
    private static void closeNow(KafkaConsumer<?, ?> consumer) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
    }

    private static void seek(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, Instant since) {
        if (since == null) {
            consumer.seekToBeginning(partitions);
        } else {
            Offsets.seekToTime(consumer, partitions, since);
        }
    }

    /** The partition a keyed record lands in with Kafka's default partitioner (murmur2 of the key). */
    TopicPartition partitionOf(KafkaConsumer<?, ?> consumer, String topic, String key) {
        int count;
        try {
            count = consumer.partitionsFor(topic).size();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + kafka.bootstrapServers() + " did not answer within 15 s; is it "
                    + "running? (check --bootstrap-servers)", e);
        }
        if (count == 0) {
            throw new IllegalStateException("topic " + topic + " does not exist; is an orchestrator running?");
        }
        int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % count;
        return new TopicPartition(topic, partition);
    }

    /** Closes the producer, waiting up to 5 s for records still in flight. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

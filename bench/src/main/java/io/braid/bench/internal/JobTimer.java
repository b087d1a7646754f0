package io.braid.bench.internal;

import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Times jobs from submission to their JobResult the way a client sees it: one long-lived producer and one consumer
 * already positioned at the end of the job-results topic (read_committed), so neither start-up cost is counted.
 */
final class JobTimer implements AutoCloseable {

    /** A job's wall time (submit to result received) and its result. */
    record Timed(long wallNanos, JobResult result, long arrivedAtMillis, long lastResultReadAtMillis) {
        double wallMillis() {
            return wallNanos / 1e6;
        }

        /**
         * Where the wall time went, in ms, from the times the records carry (one JVM, one clock): submitted →
         * first branch started (dispatch and delivery to a worker), first start → last finish (the branches), last
         * finish → job completed (result publishing and the join), completed → result read by the client.
         */
        double[] stages() {
            long submitted = result.getSubmittedAt().toEpochMilli();
            long firstStart = result.getBranches().stream().filter(b -> b.getStartedAt() != null)
                    .mapToLong(b -> b.getStartedAt().toEpochMilli()).min().orElse(submitted);
            long lastFinish = result.getBranches().stream().filter(b -> b.getFinishedAt() != null)
                    .mapToLong(b -> b.getFinishedAt().toEpochMilli()).max().orElse(firstStart);
            long completed = result.getCompletedAt().toEpochMilli();
            return new double[] {firstStart - submitted, lastFinish - firstStart, completed - lastFinish,
                    lastResultReadAtMillis - lastFinish, arrivedAtMillis - lastResultReadAtMillis};
        }

        /** Wall time minus the slowest branch's run (its startedAt to finishedAt). */
        double fanInOverheadMillis() {
            long slowest = result.getBranches().stream()
                    .filter(b -> b.getStartedAt() != null && b.getFinishedAt() != null)
                    .mapToLong(b -> Duration.between(b.getStartedAt(), b.getFinishedAt()).toMillis())
                    .max().orElse(0);
            return wallMillis() - slowest;
        }
    }

    private final Topics topics;
    private final JobSubmitter submitter;
    private final Map<String, CompletableFuture<Arrival>> waiting = new ConcurrentHashMap<>();
    /** When a waited job's last branch result was read from the results topic (wall clock, ms). */
    private final Map<String, Long> lastResultRead = new ConcurrentHashMap<>();
    private final Thread listener;
    private volatile boolean running = true;

    private record Arrival(long nanos, long epochMillis, JobResult result) {
    }

    JobTimer(String bootstrapServers, String registryUrl, Topics topics) {
        this.topics = topics;
        SchemaRegistry registry = new SchemaRegistryClient(registryUrl);
        this.submitter = new JobSubmitter(bootstrapServers, registry, topics);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = java.util.stream.Stream.of(topics.jobResults(), topics.results())
                .flatMap(topic -> consumer.partitionsFor(topic).stream())
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before any job is submitted
        AvroDeserializer<JobResult> results = new AvroDeserializer<>(registry, JobResult.class);
        this.listener = Thread.ofPlatform().name("bench-job-results").start(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        if (record.topic().equals(topics.results())) {
                            if (waiting.containsKey(record.key())) {
                                lastResultRead.put(record.key(), System.currentTimeMillis());
                            }
                            continue;
                        }
                        JobResult result = results.deserialize(record.topic(), record.value());
                        CompletableFuture<Arrival> waiter = waiting.get(result.getJobId());
                        if (waiter != null) {
                            waiter.complete(new Arrival(now, System.currentTimeMillis(), result));
                        }
                    }
                }
            }
        });
    }

    /** Submits {@code job} and waits for its result. */
    Timed run(JobRequest job, Duration timeout) {
        CompletableFuture<Arrival> arrival = waiting.computeIfAbsent(job.getJobId(), id -> new CompletableFuture<>());
        long start = System.nanoTime();
        submitter.submit(job);
        try {
            Arrival done = arrival.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            waiting.remove(job.getJobId());
            Long resultsRead = lastResultRead.remove(job.getJobId());
            return new Timed(done.nanos() - start, done.result(), done.epochMillis(),
                    resultsRead == null ? done.epochMillis() : resultsRead);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no result for job " + job.getJobId() + " within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            listener.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        submitter.close();
    }
}

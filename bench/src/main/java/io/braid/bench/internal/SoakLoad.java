package io.braid.bench.internal;

import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The soak's load: jobs submitted at a steady rate for a set time (paced as {@link LeaderKill} paces them), and a
 * reader of the job results topic (read committed) that counts each job's results, so that at the end it can say
 * how many jobs got no result and how many got more than one.
 */
final class SoakLoad implements AutoCloseable {

    /**
     * How the jobs ended: {@code lost} got no result, {@code duplicated} results beyond one per job, {@code failed}
     * results that are not SUCCEEDED (a job past its deadline, say).
     */
    record Outcome(int submitted, int lost, int duplicated, int failed) {
    }

    private static final String PREFIX = "soak-";

    private final JobSubmitter submitter;
    private final Function<String, JobRequest> jobs;
    private final PrintStream out;
    private final Map<String, Integer> results = new ConcurrentHashMap<>();
    private final AtomicLong resultCount = new AtomicLong();
    private final AtomicInteger failed = new AtomicInteger();
    private final Deserializer<JobResult> decoder;
    private final AtomicInteger submitted = new AtomicInteger();
    private final Thread reader;
    private Thread load;

    SoakLoad(String bootstrapServers, String jobResultsTopic, Deserializer<JobResult> decoder, JobSubmitter submitter,
             Function<String, JobRequest> jobs, PrintStream out) {
        this.decoder = decoder;
        this.submitter = submitter;
        this.jobs = jobs;
        this.out = out;
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(jobResultsTopic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.reader = Thread.ofPlatform().name("soak-results").start(() -> read(consumer));
    }

    /** Starts submitting {@code jobsPerSecond} jobs a second from {@code startNanos} for {@code over}. */
    void start(long startNanos, double jobsPerSecond, Duration over) {
        long total = Math.round(jobsPerSecond * over.toMillis() / 1000.0);
        load = Thread.ofVirtual().name("soak-load").start(() -> {
            for (long i = 0; i < total; i++) {
                if (!Waits.sleepUntil(startNanos + (long) (i * 1e9 / jobsPerSecond))) {
                    return;
                }
                submitter.submitAsync(jobs.apply(PREFIX + i));
                submitted.incrementAndGet();
            }
        });
    }

    /** Job results read so far (of this load's jobs). */
    long resultCount() {
        return resultCount.get();
    }

    /**
     * Waits for the submission to end, then up to {@code drain} for every job's result; says how the jobs ended.
     */
    Outcome finish(Duration drain) throws InterruptedException {
        load.join();
        submitter.flush();
        int total = submitted.get();
        if (!Waits.until(drain, () -> results.size() >= total)) {
            out.printf("  soak: %d of %d jobs have a result after waiting %d s more%n", results.size(), total,
                    drain.toSeconds());
        }
        int ours = results.size();
        int all = results.values().stream().mapToInt(Integer::intValue).sum();
        return new Outcome(total, total - ours, all - ours, failed.get());
    }

    /** Up to {@code limit} IDs of submitted jobs that have no result yet, in submission order. */
    List<String> missing(int limit) {
        return java.util.stream.IntStream.range(0, submitted.get()).mapToObj(i -> PREFIX + i)
                .filter(id -> !results.containsKey(id)).limit(limit).toList();
    }

    private void read(KafkaConsumer<String, byte[]> consumer) {
        try (consumer) {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    String key = String.valueOf(record.key());
                    if (key.startsWith(PREFIX)) {
                        results.merge(key, 1, Integer::sum);
                        resultCount.incrementAndGet();
                        JobResult result = decoder.deserialize(record.topic(), record.value());
                        if (result.getStatus() != JobStatus.SUCCEEDED) {
                            failed.incrementAndGet();
                        }
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.println("  soak: the results reader stopped: " + e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (load != null) {
            load.interrupt();
            load.join(10_000);
        }
        reader.interrupt();
        reader.join(10_000);
        submitter.close();
    }
}

package io.braid.bench.internal;

import io.braid.schema.JobRequest;
import io.braid.stack.ProcessCluster;
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
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Goal P12: jobs submitted at a steady rate while the leader of one partition is killed (SIGKILL) and restarted;
 * job results counted by the second they arrive (read committed), so a stall shows as empty seconds. The rate
 * before is the mean of the {@value #BEFORE_SECONDS} seconds up to the kill; recovery is the first second from the
 * kill that starts three seconds in a row at 80 % of it or more. It means something only if the fleet kept up with
 * the load before the kill ({@link Outcome#keptUp()}).
 */
final class LeaderKill {

    /** What one run saw; {@code recoverySeconds} is the whole run's length when the rate never came back. */
    record Outcome(int node, double submittedRate, double rateBefore, double recoverySeconds, int lost,
                   int duplicated) {

        /** Whether results came at 80 % of the submitted rate or more before the kill. */
        boolean keptUp() {
            return rateBefore >= 0.8 * submittedRate;
        }
    }

    static final int BEFORE_SECONDS = 15;

    private static final int MAX_SECONDS = 600;
    private volatile boolean reading = true;

    private final ProcessCluster cluster;
    private final TopicPartition partition;
    private final String bootstrapServers;
    private final JobSubmitter submitter;
    private final Function<String, JobRequest> jobs;
    private final PrintStream out;

    LeaderKill(ProcessCluster cluster, TopicPartition partition, String bootstrapServers, JobSubmitter submitter,
               Function<String, JobRequest> jobs, PrintStream out) {
        this.cluster = cluster;
        this.partition = partition;
        this.bootstrapServers = bootstrapServers;
        this.submitter = submitter;
        this.jobs = jobs;
        this.out = out;
    }

    Outcome run(double jobsPerSecond, Duration steady, Duration killAt, Duration down) throws InterruptedException {
        int total = (int) (jobsPerSecond * steady.toSeconds());
        AtomicIntegerArray perSecond = new AtomicIntegerArray(MAX_SECONDS);
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        Thread reader = Thread.ofPlatform().name("p12-results").start(() -> read(start, perSecond, counts));
        Thread load = Thread.ofVirtual().start(() -> submitSteadily(start, total, steady));
        int node;
        try {
            Thread.sleep(killAt); // the schedule: the kill comes at a set time into the steady load
            node = cluster.leaderOf(partition).orElse(1);
            cluster.kill(node);
            Thread.sleep(down); // the broker's planned downtime
            cluster.restart(node);
            load.join();
            submitter.flush();
            Waits.until(Duration.ofMinutes(3), () -> counts.keySet().stream().filter(k -> k.startsWith("p12-"))
                    .count() >= total);
        } finally {
            reading = false; // not an interrupt: the consumer would log one as an error while closing
            reader.join(10_000);
            submitter.close();
        }
        int seconds = (int) Math.min(MAX_SECONDS, (System.nanoTime() - start) / 1_000_000_000L);
        int kill = (int) killAt.toSeconds();
        double before = IntStream.range(Math.max(0, kill - BEFORE_SECONDS), kill).map(perSecond::get).average()
                .orElse(0);
        double recovery = seconds - kill;
        for (int t = kill; t + 2 < seconds; t++) {
            if (perSecond.get(t) >= 0.8 * before && perSecond.get(t + 1) >= 0.8 * before
                    && perSecond.get(t + 2) >= 0.8 * before) {
                recovery = t - kill;
                break;
            }
        }
        out.println("  cluster P12: job results per second: " + IntStream.range(0, seconds)
                .mapToObj(t -> Integer.toString(perSecond.get(t))).collect(java.util.stream.Collectors.joining(" ")));
        long ours = counts.keySet().stream().filter(k -> k.startsWith("p12-")).count();
        int results = counts.entrySet().stream().filter(e -> e.getKey().startsWith("p12-"))
                .mapToInt(Map.Entry::getValue).sum();
        return new Outcome(node, jobsPerSecond, before, recovery, (int) (total - ours), (int) (results - ours));
    }

    private void submitSteadily(long start, int total, Duration over) {
        for (int i = 0; i < total; i++) {
            if (!Waits.sleepUntil(start + over.toNanos() * i / total)) {
                return;
            }
            submitter.submitAsync(jobs.apply("p12-" + i));
        }
    }

    private void read(long start, AtomicIntegerArray perSecond, Map<String, Integer> counts) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(partition.topic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (reading) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    int second = (int) Math.min(MAX_SECONDS - 1, (System.nanoTime() - start) / 1_000_000_000L);
                    perSecond.incrementAndGet(second);
                    counts.merge(String.valueOf(record.key()), 1, Integer::sum);
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.println("  cluster P12: the results reader stopped: " + e);
        }
    }
}

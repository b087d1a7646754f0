package io.braid.cli.chaos;

import io.braid.schema.Topics;
import io.braid.stack.ProcessCluster;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The faults of one chaos run, drawn from a seed: after a pause of 2 – 6 s, one SIGKILL — a broker (30 %: the
 * leader of a partition of the jobs, results or job-results topic, so a transaction or a produce is cut), an
 * orchestrator (25 %) or a worker (45 %) — and a restart after its downtime (broker 3 – 8 s, orchestrator 2 – 6 s,
 * worker 1 – 4 s). One fault at a time, so a 3-node cluster always has its 2 in-sync replicas. The same seed draws
 * the same kinds, pauses and downtimes; which broker leads a partition is the cluster's choice at the time.
 */
final class ChaosSchedule {

    private final Random random;
    private final ProcessCluster cluster;
    private final ChaosFleet fleet;
    private final Topics topics;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private long start;
    private int faults;

    ChaosSchedule(long seed, ProcessCluster cluster, ChaosFleet fleet, Topics topics, Path log) {
        this.random = new Random(seed);
        this.cluster = cluster;
        this.fleet = fleet;
        this.topics = topics;
        this.log = log;
    }

    /** Injects faults until {@code length} has passed; everything is running again when it returns. */
    void run(Duration length) throws InterruptedException {
        start = System.nanoTime();
        while (System.nanoTime() - start < length.toNanos()) {
            pause(2_000, 6_000);
            double kind = random.nextDouble();
            if (kind < 0.30) {
                killBroker();
            } else if (kind < 0.55) {
                killProcess(fleet.named("orchestrator"), 2_000, 6_000);
            } else {
                killProcess(fleet.named("worker"), 1_000, 4_000);
            }
            faults++;
        }
        note("faults over after %d", faults);
    }

    int faults() {
        return faults;
    }

    /** Restarts whatever is down (nothing, after {@link #run}). */
    void restoreAll() {
        fleet.restoreAll();
        for (int node : cluster.layout().nodeIds()) {
            if (!cluster.isRunning(node)) {
                cluster.restart(node);
            }
        }
    }

    String describe() {
        return String.join("\n", lines) + "\n";
    }

    private void killBroker() throws InterruptedException {
        List<String> names = List.of(topics.jobs(), topics.results(), topics.jobResults());
        TopicPartition partition = new TopicPartition(names.get(random.nextInt(names.size())), random.nextInt(3));
        int fallback = 1 + random.nextInt(cluster.layout().nodes());
        int node = cluster.leaderOf(partition).orElse(fallback);
        long downtime = between(3_000, 8_000);
        note("kill broker %d (leader of %s), down %d ms", node, partition, downtime);
        cluster.kill(node);
        Thread.sleep(downtime); // the fault's planned length, not a wait for a condition
        cluster.restart(node);
        note("broker %d serves again", node);
    }

    private void killProcess(List<String> names, long minDown, long maxDown) throws InterruptedException {
        String name = names.get(random.nextInt(names.size()));
        long downtime = between(minDown, maxDown);
        note("kill %s, down %d ms", name, downtime);
        fleet.kill(name);
        Thread.sleep(downtime); // the fault's planned length
        fleet.start(name);
        note("%s started again", name);
    }

    private void pause(long min, long max) throws InterruptedException {
        Thread.sleep(between(min, max)); // the schedule's gap between faults
    }

    private long between(long min, long max) {
        return min + (long) (random.nextDouble() * (max - min));
    }

    private void note(String format, Object... args) {
        String line = String.format(Locale.ROOT, "t=%6.1f s  ", (System.nanoTime() - start) / 1e9)
                + String.format(Locale.ROOT, format, args);
        lines.add(line);
        System.out.println("chaos: " + line);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, describe());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

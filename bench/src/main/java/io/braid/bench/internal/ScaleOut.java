package io.braid.bench.internal;

import io.braid.cli.stack.BraidProcess;
import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.TopicSetup;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.stack.EmbeddedKafkaBroker;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Scale-out with worker processes: 1, 2 and 4 {@code braid worker} JVMs, each capped at {@value #IN_FLIGHT}
 * branches in flight, on I/O-bound branches ({@link #BRANCH_LATENCY} of simulated latency), fed task records
 * straight on the tasks topic. Each worker count gets fresh topics and a fresh share group, and
 * {@value #TASKS_PER_WORKER} tasks per worker, so every count runs about as long. Two rates per run: the
 * <em>sustained</em> rate, branches/s while the middle 80 % of the results were written (the fleet's capacity, what
 * scale-out is about), and the <em>batch</em> rate, from the first task written to the last result read (adds the
 * ramp-up and the drain, where the last few consumers finish alone).
 *
 * <p>I/O-bound means the branches wait and the machine does not: at most {@value #IN_FLIGHT} × 4 / 1 s = 200
 * branches/s, which the whole stack serves with CPU to spare on 2 cores. (With 200 ms branches and 100 in
 * flight, four processes would ask for 2,000 branches/s: that measures the CPU, not scale-out — see
 * docs/BENCHMARKS.md.) {@link #ideal} is the rate the in-flight caps allow.
 */
final class ScaleOut {

    static final List<Integer> WORKER_COUNTS = List.of(1, 2, 4);
    static final Duration BRANCH_LATENCY = Duration.ofSeconds(1);
    static final int IN_FLIGHT = 50;
    private static final int RECORDS_PER_POLL = 5;
    private static final int TASKS_PER_WORKER = 250;
    private static final int WARM_UP_WAVES = 3;
    /**
     * A share group gives each member a share of the partitions, so the fleet is even when its consumers are a
     * multiple of the partitions: {@value #IN_FLIGHT} / {@value #RECORDS_PER_POLL} = 10 consumers per worker on
     * 10 partitions (see docs/DESIGN.md on sizing the tasks topic).
     */
    private static final int TASK_PARTITIONS = 10;

    /** Branches/s that {@code workers} processes allow at most: each holds {@value #IN_FLIGHT} for the latency. */
    static double ideal(int workers) {
        return workers * IN_FLIGHT / (BRANCH_LATENCY.toMillis() / 1000.0);
    }

    private final Path logDir;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();

    ScaleOut(Path logDir, PrintStream out) {
        this.logDir = logDir;
        this.out = out;
    }

    /** The rates per worker count, one per measured run. */
    Map<Integer, List<BatchRate>> run(int warmups, int runs) throws InterruptedException {
        Map<Integer, List<BatchRate>> rates = new TreeMap<>();
        WORKER_COUNTS.forEach(n -> rates.put(n, new ArrayList<>()));
        try (LocalFleet fleet = LocalFleet.start(0, w -> w)) {
            fleet.awaitReady(Duration.ofSeconds(60));
            for (int run = 1 - warmups; run <= runs; run++) {
                for (int workers : WORKER_COUNTS) {
                    BatchRate rate = measure(fleet, run, workers);
                    if (run >= 1) {
                        rates.get(workers).add(rate);
                    }
                    out.printf("  scale-out run %2d%s: %d worker process(es): %.0f branches/s sustained, %.0f over "
                            + "the batch%n", run, run < 1 ? " (warm-up)" : "", workers, rate.sustained(), rate.batch());
                }
            }
        }
        return rates;
    }

    private BatchRate measure(LocalFleet fleet, int run, int workerCount) throws InterruptedException {
        Topics topics = new Topics("bench-scale-" + (run < 1 ? "w" + (1 - run) : run) + "-" + workerCount + ".");
        TopicSetup.ensureTopics(KafkaConnection.plain(fleet.bootstrapServers()), topics, TASK_PARTITIONS, (short) 1);
        List<Process> workers = new ArrayList<>();
        List<URI> health = new ArrayList<>();
        try {
            for (int i = 1; i <= workerCount; i++) {
                int port = EmbeddedKafkaBroker.freePort();
                health.add(URI.create("http://127.0.0.1:" + port + "/health/ready"));
                workers.add(BraidProcess.start(List.of("-Xmx256m"), List.of("worker",
                        "--bootstrap-servers", fleet.bootstrapServers(), "--registry-url", fleet.registryUrl(),
                        "--topic-prefix", topics.prefix(), "--worker-group", topics.prefix() + "workers",
                        "--worker-id", "scale-" + workerCount + "-" + i,
                        "--max-in-flight", Integer.toString(IN_FLIGHT),
                        "--records-per-poll", Integer.toString(RECORDS_PER_POLL),
                        "--simulated-latency", BRANCH_LATENCY.toMillis() + "ms.." + BRANCH_LATENCY.toMillis() + "ms",
                        "--http-port", Integer.toString(port), "--shutdown-grace", "0s"),
                        logDir.resolve("scale-out-" + run + "-" + workerCount + "-" + i + ".log")));
            }
            Waits.orFail(Duration.ofSeconds(90), () -> health.stream().allMatch(uri -> status(uri) == 200),
                    "the worker processes did not become ready; see " + logDir);
            // Before the clock: the first tasks on a new share group wait about a second while its share
            // partitions initialize, and fresh JVMs compile their hot paths while serving their first waves (four
            // processes compiling at once kept 2 cores 90 % busy): one-time costs of a new group and new processes.
            int warmUpTasks = WARM_UP_WAVES * IN_FLIGHT * workerCount;
            try (RecordCounter warmUp = new RecordCounter(fleet.bootstrapServers(), topics.results())) {
                FleetBenchmark.publishTasks(fleet, topics, warmUpTasks, "scale-out warm-up");
                warmUp.awaitCount(warmUpTasks, Duration.ofMinutes(1), () -> { });
            }
            int tasks = TASKS_PER_WORKER * workerCount;
            try (RecordCounter results = new RecordCounter(fleet.bootstrapServers(), topics.results())) {
                long start = System.nanoTime();
                FleetBenchmark.publishTasks(fleet, topics, tasks, "scale-out");
                long end = results.awaitCount(tasks, Duration.ofMinutes(5), () -> { });
                return new BatchRate(results.sustainedRate(0.1, 0.9), tasks / ((end - start) / 1e9));
            }
        } finally {
            workers.forEach(Process::destroy);
            for (Process worker : workers) {
                if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                }
            }
        }
    }

    private int status(URI uri) {
        return FleetBenchmark.status(http, uri);
    }
}

package io.braid.bench.internal;

import io.braid.cli.stack.BraidProcess;
import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.orchestrator.TopicSetup;
import io.braid.orchestrator.TaskPartitions;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchTask;
import io.braid.schema.JobRequest;
import io.braid.schema.LlmCall;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroSerializer;
import io.braid.stack.EmbeddedKafkaBroker;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * {@code braid bench fleet}: what the worker fleet does on this machine, on the embedded broker.
 * <ol>
 *   <li>In flight — one worker process (its own JVM, so its memory is its own) with 1 s simulated branches and a
 *       high in-flight limit: the most branches it ran at once, the median while busy, and its peak RSS.</li>
 *   <li>Scaling — 1, 2 and 4 workers, each capped at 100 in flight, on 200 ms simulated branches: branches/s, and
 *       the ratio per doubling of workers, measured within each run.</li>
 *   <li>End to end — zero-latency simulated branches through the whole fleet in one JVM (dispatcher, two workers,
 *       aggregator): branches/s from the first job submitted to the last job result.</li>
 * </ol>
 * Every figure is the median over the runs. The branches are simulated: this measures Braid, not a model.
 */
public final class FleetBenchmark {

    /** How big and how often. */
    public record Settings(int runs, int inFlightLimit, int inFlightTasks, int scalingTasksPerWorker,
                           int endToEndJobs, int branchesPerJob) {
    }

    /** One run of the in-flight measurement. */
    public record InFlight(int peak, double medianWhileBusy, long peakRssBytes) {
    }

    /** The figures of all runs. */
    public record Figures(Settings settings, List<InFlight> inFlight, Map<Integer, List<Double>> scaling,
                          List<Double> endToEnd) {
    }

    private static final Pattern IN_FLIGHT = Pattern.compile("\"inFlight\":(\\d+)");
    private static final List<Integer> WORKER_COUNTS = List.of(1, 2, 4);

    private final Settings settings;
    private final PrintStream out;
    private final Path logDir;
    private final HttpClient http = HttpClient.newHttpClient();

    public FleetBenchmark(Settings settings, PrintStream out, Path logDir) {
        this.settings = settings;
        this.out = out;
        this.logDir = logDir;
    }

    public Figures run() throws InterruptedException {
        List<InFlight> inFlight = new ArrayList<>();
        Map<Integer, List<Double>> scaling = new java.util.TreeMap<>();
        WORKER_COUNTS.forEach(n -> scaling.put(n, new ArrayList<>()));
        try (LocalFleet fleet = LocalFleet.start(0, w -> w)) {
            fleet.awaitReady(Duration.ofSeconds(60));
            for (int run = 1; run <= settings.runs(); run++) {
                InFlight figures = measureInFlight(fleet, run);
                inFlight.add(figures);
                out.printf("  run %d  in flight: peak %d, median while busy %.0f, peak RSS %d MiB%n", run,
                        figures.peak(), figures.medianWhileBusy(), figures.peakRssBytes() >> 20);
                for (int workers : WORKER_COUNTS) {
                    double rate = measureThroughput(fleet, run, workers);
                    scaling.get(workers).add(rate);
                    out.printf("  run %d  %d worker(s), 100 in flight each, 200 ms branches: %.0f branches/s%n", run,
                            workers, rate);
                }
            }
        }
        List<Double> endToEnd = new ArrayList<>();
        for (int run = 1; run <= settings.runs(); run++) {
            double rate = measureEndToEnd();
            endToEnd.add(rate);
            out.printf("  run %d  end to end, zero-latency branches: %.0f branches/s%n", run, rate);
        }
        return new Figures(settings, inFlight, scaling, endToEnd);
    }

    private InFlight measureInFlight(LocalFleet fleet, int run) throws InterruptedException {
        Topics topics = freshTopics(fleet, "bench-inflight-" + run);
        int port = EmbeddedKafkaBroker.freePort();
        int recordsPerPoll = Math.max(1, settings.inFlightLimit() / 16);
        Process worker = BraidProcess.start(List.of("-Xmx256m"), List.of("worker",
                "--bootstrap-servers", fleet.bootstrapServers(), "--registry-url", fleet.registryUrl(),
                "--topic-prefix", topics.prefix(), "--worker-group", topics.prefix() + "workers",
                "--worker-id", "bench-inflight-" + run, "--max-in-flight", Integer.toString(settings.inFlightLimit()),
                "--records-per-poll", Integer.toString(recordsPerPoll), "--simulated-latency", "1s..1s",
                "--http-port", Integer.toString(port), "--shutdown-grace", "0s"),
                logDir.resolve("bench-inflight-" + run + ".log"));
        try {
            URI health = URI.create("http://127.0.0.1:" + port + "/health/ready");
            Waits.orFail(Duration.ofSeconds(60), () -> status(health) == 200,
                    "the worker process did not become ready; see " + logDir);
            InFlightSampler sampler = new InFlightSampler(health, worker.pid());
            try (RecordCounter results = new RecordCounter(fleet.bootstrapServers(), topics.results())) {
                publishTasks(fleet, topics, settings.inFlightTasks(), "in flight");
                results.awaitCount(settings.inFlightTasks(), Duration.ofMinutes(5), sampler::sampleEvery100Ms);
            }
            List<Integer> busy = sampler.inFlight.stream().filter(n -> n > 0).toList();
            int peak = sampler.inFlight.stream().mapToInt(Integer::intValue).max().orElse(0);
            return new InFlight(peak, Stats.median(busy), sampler.peakRss);
        } finally {
            worker.destroy();
            if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                worker.destroyForcibly();
            }
        }
    }

    private double measureThroughput(LocalFleet fleet, int run, int workerCount) {
        Topics topics = freshTopics(fleet, "bench-scale-" + run + "-" + workerCount);
        List<Worker> workers = new ArrayList<>();
        try {
            for (int i = 1; i <= workerCount; i++) {
                workers.add(Worker.start(WorkerOptions.builder(fleet.bootstrapServers(), fleet.registryUrl())
                        .topics(topics).groupId(topics.prefix() + "workers").workerId("bench-scale-" + i)
                        .maxInFlight(100).recordsPerPoll(10)
                        .simulatedLatency(Duration.ofMillis(200), Duration.ofMillis(200)).build()));
            }
            Waits.orFail(Duration.ofSeconds(60), () -> workers.stream().allMatch(w -> w.health().ready()),
                    "the workers did not join their share group");
            int tasks = settings.scalingTasksPerWorker() * workerCount;
            try (RecordCounter results = new RecordCounter(fleet.bootstrapServers(), topics.results())) {
                long start = System.nanoTime();
                publishTasks(fleet, topics, tasks, "scaling");
                long end = results.awaitCount(tasks, Duration.ofMinutes(5), () -> { });
                return tasks / ((end - start) / 1e9);
            }
        } finally {
            workers.forEach(w -> w.shutdown(Duration.ZERO));
        }
    }

    private double measureEndToEnd() {
        try (LocalFleet fleet = LocalFleet.start(2, w -> w.simulatedLatency(Duration.ZERO, Duration.ZERO)
                .maxInFlight(512).recordsPerPoll(64))) {
            fleet.awaitReady(Duration.ofSeconds(60));
            Waits.orFail(Duration.ofSeconds(60), () -> fleet.workers().stream().allMatch(w -> w.health().ready()),
                    "the workers did not join their share group");
            List<JobRequest> jobs = IntStream.range(0, settings.endToEndJobs())
                    .mapToObj(i -> job("bench-" + i, settings.branchesPerJob())).toList();
            try (RecordCounter results = new RecordCounter(fleet.bootstrapServers(), fleet.topics().jobResults());
                 BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                long start = System.nanoTime();
                jobs.forEach(client::submit);
                long end = results.awaitCount(jobs.size(), Duration.ofMinutes(5), () -> { });
                return (double) jobs.size() * settings.branchesPerJob() / ((end - start) / 1e9);
            }
        }
    }

    private static Topics freshTopics(LocalFleet fleet, String name) {
        Topics topics = new Topics(name + ".");
        TopicSetup.ensureTopics(io.braid.schema.kafka.KafkaConnection.plain(fleet.bootstrapServers()), topics, 3, (short) 1);
        return topics;
    }

    /** Writes {@code count} simulated LLM tasks straight to the tasks topic, ten per job. */
    static void publishTasks(LocalFleet fleet, Topics topics, int count, String label) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(new SchemaRegistryClient(fleet.registryUrl()));
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(topics.tasks()).size();
            for (int i = 0; i < count; i++) {
                String jobId = "bench-" + (i / 10);
                BranchTask task = BranchTask.newBuilder().setJobId(jobId).setDispatchedAt(now)
                        .setBranch(BranchSpec.newBuilder().setBranchId("b" + (i % 10)).setKind(BranchKind.LLM)
                                .setLlm(LlmCall.newBuilder().setUserPrompt(label + " branch " + i).build()).build())
                        .build();
                // one branch per partition: as the dispatcher spreads a wide job, for an even load
                int partition = TaskPartitions.partition(jobId, i % 10, partitions, 1);
                producer.send(new ProducerRecord<>(topics.tasks(), partition, jobId,
                        serializer.serialize(topics.tasks(), task)));
            }
        }
    }

    private static JobRequest job(String jobId, int branches) {
        return JobRequest.newBuilder().setJobId(jobId)
                .setBranches(IntStream.rangeClosed(1, branches).mapToObj(i -> BranchSpec.newBuilder()
                        .setBranchId("b" + i).setKind(BranchKind.LLM)
                        .setLlm(LlmCall.newBuilder().setUserPrompt("branch " + i + " of " + jobId).build()).build())
                        .toList())
                .build();
    }

    private int status(URI uri) {
        return status(http, uri);
    }

    /** The HTTP status {@code uri} answers with, or -1 when it does not answer. */
    static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Reads a worker process's in-flight count (from its health endpoint) and its RSS, at most every 100 ms. */
    private final class InFlightSampler {
        private final URI health;
        private final long pid;
        private final List<Integer> inFlight = new ArrayList<>();
        private long peakRss = -1;
        private long next;

        InFlightSampler(URI health, long pid) {
            this.health = health;
            this.pid = pid;
        }

        void sampleEvery100Ms() {
            if (System.nanoTime() < next) {
                return;
            }
            next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            inFlight.add(inFlight(health));
            peakRss = Math.max(peakRss, BraidProcess.residentSetBytes(pid).orElse(-1L));
        }
    }

    private int inFlight(URI health) {
        try {
            String body = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher matcher = IN_FLIGHT.matcher(body);
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}

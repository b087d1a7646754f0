package io.braid.bench.internal;

import io.braid.schema.JobResult;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The {@code soak} scenario (issue 24): one broker process, an orchestrator process that drops finished jobs' state
 * after {@value #FINISHED_JOB_RETENTION_TEXT}, two worker processes, and jobs of 10 calculator branches at a steady
 * rate for {@code --soak-minutes}, with retention on the topics. Every {@value #SAMPLE_SECONDS} s it samples the
 * orchestrator's heap, every process's RSS, the orchestrator's state store on disk, the changelog and topic bytes,
 * the jobs the orchestrator holds and the job results' rate ({@link SoakSamples}); a quantity has levelled off when
 * the mean of the last third of its samples is within 10 % of the middle third's. Not part of the default suite
 * (30 minutes): run it with {@code --scenario soak}.
 */
final class SoakScenario extends SuiteScenario {

    static final double GROWTH_GOAL = 1.10;
    static final int SAMPLE_SECONDS = 10;
    static final String FINISHED_JOB_RETENTION_TEXT = "1m";
    /** Retention of the data topics: longer than any job's deadline, short enough to cycle in a soak. */
    static final long TOPIC_RETENTION_MS = 180_000;
    /** Every job ends within this, by its result or by its deadline, so no job outlives its records. */
    static final String JOB_DEADLINE_TEXT = "2m";
    /** Segments roll every minute, so retention and compaction have closed segments to work on. */
    static final long SEGMENT_MS = 60_000;
    /** Tombstones in the changelogs are kept a minute after compaction, then dropped. */
    static final long TOMBSTONE_RETENTION_MS = 60_000;
    private static final Duration DRAIN = Duration.ofMinutes(3);
    private static final int WARM_UP_JOBS = 200;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Long> probeTimes = new java.util.TreeMap<>();

    SoakScenario(SuiteContext suite) {
        super(suite);
    }

    void run() throws Exception {
        SoakSettings soak = settings.soak();
        out.printf(Locale.ROOT, "%n[soak: 1 broker process, 1 orchestrator (finished-job retention %s) and 2 worker "
                        + "processes; %.1f jobs/s of 10 calculator branches for %d minutes, sampled every %d s]%n",
                FINISHED_JOB_RETENTION_TEXT, soak.jobsPerSecond(), soak.minutes(), SAMPLE_SECONDS);
        Path logDir = settings.logDir().resolve("soak");
        SoakSamples samples = new SoakSamples();
        Files.createDirectories(settings.output());
        Path csv = settings.output().resolve("soak-latest.csv");
        Path png = settings.output().resolve("soak-latest.png");
        SoakLoad.Outcome outcome;
        try (ProcessFleet fleet = ProcessFleet.start(1, logDir, http,
                List.of("--finished-job-retention", FINISHED_JOB_RETENTION_TEXT, "--default-job-deadline",
                        JOB_DEADLINE_TEXT));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers()));
             SoakLoad load = new SoakLoad(fleet.bootstrapServers(), Topics.defaults().jobResults(),
                     new AvroDeserializer<>(new SchemaRegistryClient(fleet.registryUrl()), JobResult.class),
                     fleet.submitter(), ClusterScenario::job, out)) {
            retention(admin);
            warmUp(fleet);
            long start = System.nanoTime();
            load.start(start, soak.jobsPerSecond(), Duration.ofMinutes(soak.minutes()));
            sample(fleet, admin, load, start, soak.minutes(), samples, csv);
            outcome = load.finish(DRAIN);
            explainMissing(load, fleet);
        }
        samples.writeCsv(csv);
        SoakPlot.write(samples, String.format(Locale.ROOT, "Braid soak — %.1f jobs/s of 10 branches for %d min",
                soak.jobsPerSecond(), soak.minutes()), png);
        out.printf("  soak: %d jobs submitted, %d lost, %d duplicated, %d not SUCCEEDED; samples %s, plot %s%n",
                outcome.submitted(), outcome.lost(), outcome.duplicated(), outcome.failed(), csv, png);
        report(samples, outcome, soak);
    }

    /** Retention on the data topics, and segments that roll and get compacted on the changelogs; printed. */
    private void retention(Admin admin) throws Exception {
        Topics topics = Topics.defaults();
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        for (String topic : List.of(topics.jobs(), topics.manifests(), topics.tasks(), topics.results(),
                topics.jobResults(), topics.jobEvents())) {
            changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    set("retention.ms", TOPIC_RETENTION_MS), set("segment.ms", SEGMENT_MS)));
        }
        List<String> changelogs = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(name -> name.endsWith("-changelog")).sorted().toList();
        for (String changelog : changelogs) {
            changes.put(new ConfigResource(ConfigResource.Type.TOPIC, changelog), List.of(
                    set("segment.ms", SEGMENT_MS), set("delete.retention.ms", TOMBSTONE_RETENTION_MS)));
        }
        admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
        out.printf("  soak: retention.ms %d and segment.ms %d on the jobs, manifests, tasks, results, job-results "
                        + "and job-events topics; segment.ms %d and delete.retention.ms %d on the changelogs %s%n",
                TOPIC_RETENTION_MS, SEGMENT_MS, SEGMENT_MS, TOMBSTONE_RETENTION_MS, changelogs);
    }

    /** Serves {@value #WARM_UP_JOBS} jobs first, so the soak starts on a fleet that works and is not cold. */
    private void warmUp(ProcessFleet fleet) {
        try (JobSubmitter warm = fleet.submitter();
             RecordCounter results = new RecordCounter(fleet.bootstrapServers(), Topics.defaults().jobResults())) {
            IntStream.range(0, WARM_UP_JOBS).forEach(i -> warm.submitAsync(ClusterScenario.job("warm-soak-" + i)));
            warm.flush();
            results.awaitCount(WARM_UP_JOBS, Duration.ofMinutes(3), () -> { });
        }
    }

    /** What the orchestrator says of a few jobs that got no result: still running, or unknown to it (lost). */
    private void explainMissing(SoakLoad load, ProcessFleet fleet) {
        for (String jobId : load.missing(3)) {
            try {
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(fleet.orchestratorUri()
                        .resolve("/jobs/" + jobId)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                String body = status.body();
                out.printf("  soak: job %s without a result: GET /jobs/%s answers %d %s%n", jobId, jobId,
                        status.statusCode(), body.substring(0, Math.min(300, body.length())));
            } catch (java.io.IOException e) {
                out.printf("  soak: job %s without a result; the orchestrator's status did not answer: %s%n", jobId, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static AlterConfigOp set(String name, long value) {
        return new AlterConfigOp(new ConfigEntry(name, Long.toString(value)), AlterConfigOp.OpType.SET);
    }

    /**
     * Samples every {@value #SAMPLE_SECONDS} s from {@code start} until {@code minutes} have passed; writes the
     * samples so far to {@code csv} every minute, so a soak that fails leaves them.
     */
    private void sample(ProcessFleet fleet, Admin admin, SoakLoad load, long start, int minutes, SoakSamples samples,
                        Path csv) throws InterruptedException, java.io.IOException {
        long orchestrator = fleet.orchestrator().pid();
        List<Long> workers = fleet.workers().stream().map(Process::pid).toList();
        long broker = fleet.broker(1).map(ProcessHandle::pid).orElse(-1L);
        List<Integer> brokers = fleet.cluster().layout().nodeIds();
        long lastCount = 0;
        for (int k = 1; k * SAMPLE_SECONDS <= minutes * 60; k++) {
            if (!Waits.sleepUntil(start + TimeUnit.SECONDS.toNanos((long) k * SAMPLE_SECONDS))) {
                throw new InterruptedException("the soak was interrupted");
            }
            long count = load.resultCount();
            double rate = (count - lastCount) / (double) SAMPLE_SECONDS;
            lastCount = count;
            double minute = (System.nanoTime() - start) / 60e9;
            double[] heap = timed("jstat", () -> SoakProbes.heapMib(orchestrator));
            double[] topics = timed("log dirs", () -> SoakProbes.topicMib(admin, brokers,
                    Topics.DEFAULT_PREFIX));
            double state = timed("state dir", () -> SoakProbes.directoryMib(fleet.stateDir()));
            double held = timed("/metrics", () -> SoakProbes.gauge(http, fleet.orchestratorUri().resolve("/metrics"),
                    "braid_jobs_held"));
            samples.add(minute, heap[0], heap[1], SoakProbes.rssMib(orchestrator), SoakProbes.rssMib(workers.get(0)),
                    SoakProbes.rssMib(workers.get(1)), broker < 0 ? Double.NaN : SoakProbes.rssMib(broker), state,
                    topics[0], topics[1], topics[2], held, rate);
            if (k % 6 == 0) {
                progress(samples);
                samples.writeCsv(csv);
            }
        }
        out.println("  soak: the slowest reading of each probe: " + probeTimes.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue() / 1e9)).toList());
    }

    /** Runs a probe and keeps the longest time it took (a sample is late when its probes are slow). */
    private <T> T timed(String probe, java.util.function.Supplier<T> reading) {
        long begin = System.nanoTime();
        T value = reading.get();
        probeTimes.merge(probe, System.nanoTime() - begin, Math::max);
        return value;
    }

    private void progress(SoakSamples samples) {
        List<String> parts = new ArrayList<>();
        for (SoakSamples.Column column : SoakSamples.COLUMNS) {
            List<Double> series = samples.series(column);
            parts.add(String.format(Locale.ROOT, "%s %.1f", column.label(), series.get(series.size() - 1)));
        }
        out.printf(Locale.ROOT, "  soak %4.1f min: %s%n", samples.minutes().get(samples.size() - 1),
                String.join(", ", parts));
    }

    private void report(SoakSamples samples, SoakLoad.Outcome outcome, SoakSettings soak) {
        for (SoakSamples.Column column : SoakSamples.COLUMNS) {
            List<Double> series = samples.series(column);
            double middle = SoakSamples.middleThird(series);
            double last = SoakSamples.lastThird(series);
            if (column.name().equals(SoakSamples.RESULTS_PER_SECOND)) {
                suite.add(new Measurement("soak", "job results/s, last third", "/s", List.of(last),
                        0.95 * soak.jobsPerSecond(), false, String.format(Locale.ROOT,
                        "#24; submitted %.1f/s; middle third %.1f/s", soak.jobsPerSecond(), middle)));
                continue;
            }
            double growth = SoakSamples.growth(series);
            suite.add(new Measurement("soak", column.label() + " growth", "×",
                    Double.isNaN(growth) ? List.of() : List.of(growth), column.judged() ? GROWTH_GOAL : null, true,
                    String.format(Locale.ROOT, "#24; mean of the last third of the samples / the middle third's "
                            + "(%.1f / %.1f %s)%s", last, middle, column.unit(), column.judged() ? ""
                            : "; not judged: the broker's own settings (segments of 100 MiB are compacted when full)")));
        }
        suite.add(new Measurement("soak", "jobs lost", "jobs", List.of((double) outcome.lost()), 0.0, true,
                String.format(Locale.ROOT, "no result within %d minutes of the last submission, of %d",
                        DRAIN.toMinutes(), outcome.submitted())));
        suite.add(new Measurement("soak", "results duplicated", "results", List.of((double) outcome.duplicated()),
                0.0, true, "more than one committed result for a job"));
        suite.add(new Measurement("soak", "jobs not SUCCEEDED", "jobs", List.of((double) outcome.failed()), 0.0, true,
                "results FAILED or PARTIAL, e.g. past the " + JOB_DEADLINE_TEXT + " job deadline: the fleet fell behind"));
    }
}

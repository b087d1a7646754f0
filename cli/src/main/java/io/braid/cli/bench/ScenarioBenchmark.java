package io.braid.cli.bench;

import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.orchestrator.observe.TaskBacklog;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.worker.WorkerConfig;
import io.braid.worker.WorkerOptions;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * {@code braid bench}: Braid's scenarios next to the baselines a user would pick instead, measured in the same run
 * on the same machine. Each fleet first serves jobs unmeasured for at least {@code warmUpTime} and until the JIT
 * compiler is quiet (it works for minutes on the broker, Kafka Streams, the clients and Braid in one JVM, see
 * {@link JitMeter}), at most {@code maxWarmUpTime}, then each
 * scenario runs {@code warmups} times unmeasured and {@code runs} times measured; a figure is the median over the
 * runs, with min–max as the spread, and ratios are taken within each run.
 * <ol>
 *   <li>{@code fan-in}: job wall time minus its slowest branch, 10 no-op branches, idle fleet, exactly-once
 *       (default) and low-latency mode, the latter also with workers that publish no progress events; p50 and p99
 *       over the jobs of a run.</li>
 *   <li>{@code job-100}: a 100-branch no-op job end to end, Braid vs in-process futures vs a Celery chord.</li>
 *   <li>{@code speedup}: 20 branches of 500 ms simulated latency; wall time and speedup over sequential.</li>
 *   <li>{@code throughput}: sustained no-op branches/s through the whole fleet in one JVM, with progress events
 *       and without: two fleets that take turns.</li>
 *   <li>{@code scale-out}: 1, 2 and 4 worker processes on I/O-bound (1 s) branches; sustained and whole-batch
 *   rates, the ratio per doubling of the sustained ones.</li>
 *   <li>{@code cold-demo}: {@code braid demo} in a fresh JVM, command to answer.</li>
 *   <li>{@code wide-job}: jobs of 1,000 and 10,000 branches, wall time against branch time
 *       ({@link WideJobBenchmark}).</li>
 * </ol>
 * Branches run on the simulated model: this measures Braid, not a provider.
 */
public final class ScenarioBenchmark {

    public static final List<String> SCENARIOS = List.of("fan-in", "job-100", "speedup", "throughput", "scale-out",
            "cold-demo", "wide-job");

    /** How many times and how big; {@code commitInterval} and {@code pollTime} null: the orchestrator's defaults. */
    public record Settings(int runs, int warmups, Duration warmUpTime, Duration maxWarmUpTime,
                           Set<String> scenarios, int fanInJobs, int throughputJobs, Path logDir, Path celeryScript,
                           Duration commitInterval, Duration pollTime) {
    }

    private static final double EXACTLY_ONCE_P50_GOAL = 25.0;
    private static final double LOW_LATENCY_P50_GOAL = 6.0;
    private static final String NOOP = "noop";
    private static final String SLOW = "slow500";
    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(2);
    private static final int THROUGHPUT_BRANCHES = 10;
    /**
     * A warm-up ends once the compiler took at most this share of each of the last {@link #QUIET_WINDOWS} windows
     * of {@link #QUIET_WINDOW}: one quiet window is not enough, a compiler that finished one big method soon starts
     * the next.
     */
    private static final double QUIET_COMPILER_PERCENT = 20.0;
    private static final int QUIET_WINDOWS = 2;
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(15);

    private final Settings settings;
    private final PrintStream out;
    private final AtomicLong jobIds = new AtomicLong();
    private final List<Measurement> measurements = new ArrayList<>();
    private final Map<Integer, List<Double>> scaleOutRates = new TreeMap<>();
    private final Map<String, List<Double>> overheadSamples = new LinkedHashMap<>();

    public ScenarioBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public List<Measurement> run() {
        if (wants("fan-in") || wants("job-100") || wants("speedup")) {
            guarded("exactly-once fleet", () -> latencyScenarios(false, true));
        }
        if (wants("fan-in")) {
            guarded("low-latency fleet", () -> latencyScenarios(true, true));
            guarded("low-latency fleet without progress events", () -> latencyScenarios(true, false));
        }
        if (wants("throughput")) {
            guarded("throughput", this::throughput);
        }
        if (wants("scale-out")) {
            guarded("scale-out", this::scaleOut);
        }
        if (wants("cold-demo")) {
            guarded("cold-demo", this::coldDemo);
        }
        if (wants("wide-job")) {
            guarded("wide-job", () -> measurements.addAll(new WideJobBenchmark(out).run(settings.warmups(),
                    settings.runs(), this::warmUp, this::tuned)));
        }
        return measurements;
    }

    /** The curves of the scenarios this run measured, for {@link BenchPlot}. */
    public BenchPlot.Curves curves() {
        Map<Integer, Double> allowed = new TreeMap<>();
        scaleOutRates.keySet().forEach(workers -> allowed.put(workers, ScaleOut.ideal(workers)));
        return new BenchPlot.Curves(scaleOutRates, allowed, overheadSamples,
                Map.of("exactly-once", EXACTLY_ONCE_P50_GOAL, "low-latency", LOW_LATENCY_P50_GOAL));
    }

    private interface Scenario {
        void run() throws Exception;
    }

    /** Runs a scenario; one that fails is reported as failed, and the others still run. */
    private void guarded(String name, Scenario scenario) {
        try {
            scenario.run();
        } catch (Exception e) {
            out.printf("  %s FAILED: %s (see %s)%n", name, e, settings.logDir());
            measurements.add(new Measurement(name, "failed", "", List.of(), null, true, String.valueOf(e)));
        }
    }

    private OrchestratorOptions.Builder tuned(OrchestratorOptions.Builder orchestrator) {
        if (settings.commitInterval() != null) {
            orchestrator.commitInterval(settings.commitInterval());
        }
        if (settings.pollTime() != null) {
            orchestrator.streamsPollTime(settings.pollTime());
        }
        return orchestrator;
    }

    private boolean wants(String scenario) {
        return settings.scenarios().isEmpty() || settings.scenarios().contains(scenario);
    }

    /** Workers with two simulated models: "noop" (answers at once) and "slow500" (500 ms). */
    static WorkerConfig benchModels() {
        return WorkerConfig.simulated(NOOP, Duration.ZERO, Duration.ZERO)
                .withSimulatedModel(SLOW, Duration.ofMillis(500), Duration.ofMillis(500));
    }

    JobRequest job(int branches, String model) {
        String jobId = "bench-" + model + "-" + jobIds.incrementAndGet();
        return JobRequest.newBuilder().setJobId(jobId)
                .setBranches(IntStream.rangeClosed(1, branches).mapToObj(i -> BranchSpec.newBuilder()
                        .setBranchId("b" + i).setKind(BranchKind.LLM)
                        .setLlm(LlmCall.newBuilder().setModel(model).setUserPrompt("branch " + i + " of " + jobId)
                                .build()).build())
                        .toList())
                .build();
    }

    /**
     * Fan-in overhead, the 100-branch job and the speedup, on one idle fleet. The low-latency mode is measured
     * twice: as deployed by default, and with workers that publish no progress events, its lowest-latency setting
     * (the two per-branch events measured up to ≈ 5 ms of a 10-branch job's low-latency fan-in).
     */
    private void latencyScenarios(boolean lowLatency, boolean progressEvents) throws Exception {
        String mode = (lowLatency ? "low-latency" : "exactly-once") + (progressEvents ? "" : ", no progress events");
        out.printf("%n[%s fleet: embedded broker, orchestrator, 1 worker]%n", mode);
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.config(benchModels()).maxInFlight(256).recordsPerPoll(16)
                        .progressEvents(progressEvents),
                o -> tuned(o).lowLatency(lowLatency));
             JobTimer timer = new JobTimer(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics());
             InProcessBaseline inProcess = new InProcessBaseline()) {
            fleet.awaitReady(Duration.ofSeconds(60));
            Waits.orFail(Duration.ofSeconds(60), () -> fleet.workers().stream().allMatch(w -> w.health().ready()),
                    "the worker did not join its share group");
            awaitSettledShareGroup(fleet);
            warmUp(mode + " fleet", () -> requireSucceeded(timer.run(job(10, NOOP), RESULT_TIMEOUT)));
            if (wants("fan-in")) {
                fanIn(timer, mode);
            }
            if (!lowLatency && wants("job-100")) {
                job100(timer, inProcess);
            }
            if (!lowLatency && wants("speedup")) {
                speedup(timer, inProcess);
            }
        }
    }

    private void fanIn(JobTimer timer, String mode) {
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> compiling = new ArrayList<>();
        List<Double> stolen = new ArrayList<>();
        for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
            List<Double> overheads = new ArrayList<>();
            List<double[]> stages = new ArrayList<>();
            JitMeter jit = JitMeter.start();
            MachineCpuMeter cpu = MachineCpuMeter.start();
            for (int i = 0; i < settings.fanInJobs(); i++) {
                JobTimer.Timed timed = timer.run(job(10, NOOP), RESULT_TIMEOUT);
                requireSucceeded(timed);
                overheads.add(timed.fanInOverheadMillis());
                stages.add(timed.stages());
            }
            double jitPercent = jit.percentOfWallTime();
            MachineCpuMeter.Shares shares = cpu.shares();
            if (run >= 1) {
                p50.add(Stats.percentile(overheads, 50));
                p99.add(Stats.percentile(overheads, 99));
                compiling.add(jitPercent);
                stolen.add(shares.steal());
                overheadSamples.computeIfAbsent(mode, m -> new ArrayList<>()).addAll(overheads);
            }
            out.printf("  fan-in %-12s run %2d%s: p50 %.1f ms, p99 %.1f ms over %d jobs; median stages: %s; "
                            + "JIT compiling %.0f %% of the time%s%n",
                    mode, run, run < 1 ? " (warm-up)" : "", Stats.percentile(overheads, 50),
                    Stats.percentile(overheads, 99), overheads.size(), describeStages(stages), jitPercent,
                    shares.describe());
        }
        boolean exactlyOnce = mode.startsWith("exactly-once");
        measurements.add(new Measurement("fan-in (" + mode + ")", "overhead p50", "ms", p50,
                exactlyOnce ? EXACTLY_ONCE_P50_GOAL : LOW_LATENCY_P50_GOAL, true,
                "job wall time minus its slowest branch; 10 no-op branches; " + jitNote(compiling)
                        + stealNote(stolen)));
        measurements.add(new Measurement("fan-in (" + mode + ")", "overhead p99", "ms", p99,
                exactlyOnce ? 60.0 : null, true, null));
    }

    private void job100(JobTimer timer, InProcessBaseline inProcess) throws Exception {
        List<Double> braid = new ArrayList<>();
        List<Double> futures = new ArrayList<>();
        List<Double> celery = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        try (CeleryChord chord = CeleryChord.available(settings.celeryScript(), settings.logDir(), out)) {
            job100(timer, inProcess, chord, braid, futures, celery, ratio);
        }
        measurements.add(new Measurement("job-100", "Braid wall time", "ms", braid, null, true,
                "100 no-op branches, submit to result"));
        measurements.add(new Measurement("job-100", "in-process futures", "ms", futures, null, true,
                "the same branches with CompletableFutures in one JVM"));
        if (!celery.isEmpty()) {
            measurements.add(new Measurement("job-100", "Celery chord", "ms", celery, null, true,
                    "100 no-op tasks + a collecting callback, Redis broker and backend"));
            measurements.add(new Measurement("job-100", "Celery / Braid", "×", ratio, 5.0, false,
                    "ratio within each run"));
        }
    }

    private void job100(JobTimer timer, InProcessBaseline inProcess, CeleryChord chord, List<Double> braid,
                        List<Double> futures, List<Double> celery, List<Double> ratio) throws Exception {
        for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
            List<Double> walls = new ArrayList<>();
            List<Double> inProc = new ArrayList<>();
            List<double[]> stages = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                JobTimer.Timed timed = timer.run(job(100, NOOP), RESULT_TIMEOUT);
                requireSucceeded(timed);
                walls.add(timed.wallMillis());
                stages.add(timed.stages());
                inProc.add(inProcess.run("in-process-" + run + "-" + i, 100, Duration.ZERO) / 1e6);
            }
            double chordMillis = chord == null ? Double.NaN : chord.medianChordMillis(100, 5);
            if (run >= 1) {
                braid.add(Stats.median(walls));
                futures.add(Stats.median(inProc));
                if (chord != null) {
                    celery.add(chordMillis);
                    ratio.add(chordMillis / Stats.median(walls));
                }
            }
            out.printf("  job-100 run %2d%s: Braid %.1f ms (%s), in-process %.2f ms, Celery chord %s%n", run,
                    run < 1 ? " (warm-up)" : "", Stats.median(walls), describeStages(stages), Stats.median(inProc),
                    chord == null ? "not run" : String.format("%.1f ms", chordMillis));
        }
    }

    private void speedup(JobTimer timer, InProcessBaseline inProcess) {
        List<Double> walls = new ArrayList<>();
        List<Double> speedups = new ArrayList<>();
        List<Double> inProc = new ArrayList<>();
        for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
            List<Double> runWalls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JobTimer.Timed timed = timer.run(job(20, SLOW), RESULT_TIMEOUT);
                requireSucceeded(timed);
                runWalls.add(timed.wallMillis());
            }
            double wall = Stats.median(runWalls);
            double floor = inProcess.run("in-process-slow-" + run, 20, Duration.ofMillis(500)) / 1e6;
            if (run >= 1) {
                walls.add(wall);
                speedups.add(20 * 500 / wall);
                inProc.add(floor);
            }
            out.printf("  speedup run %2d%s: 20 × 500 ms in %.0f ms (%.1f× over sequential); in-process %.0f ms%n",
                    run, run < 1 ? " (warm-up)" : "", wall, 20 * 500 / wall, floor);
        }
        measurements.add(new Measurement("speedup", "20 × 500 ms wall time", "ms", walls, 625.0, true, null));
        measurements.add(new Measurement("speedup", "speedup over sequential", "×", speedups, 16.0, false, null));
        measurements.add(new Measurement("speedup", "in-process futures", "ms", inProc, null, true, null));
    }

    /**
     * Throughput with progress events (as deployed) and without, measured on two fleets that run side by side in
     * the JVM and take turns — warm-up rounds alternate between them, and so do the measured runs, each pair in the
     * other order than the last. Measured one fleet after the other, the second met the code the first had made the
     * compiler compile, and the first paid for it: the comparison measured the order. Each run starts once the
     * JVM has settled after the run before ({@link JvmSettle}).
     */
    private void throughput() throws Exception {
        out.printf("%n[throughput: two fleets in one JVM, each an embedded broker, an orchestrator and 2 workers, "
                + "one with progress events and one without, measured in turn]%n");
        try (ThroughputFleet deployed = ThroughputFleet.start(true, this::tuned);
             ThroughputFleet lean = ThroughputFleet.start(false, this::tuned)) {
            int warmUpJobs = Math.min(1_000, settings.throughputJobs());
            warmUp("throughput fleets", () -> {
                throughputRun(deployed, warmUpJobs);
                throughputRun(lean, warmUpJobs);
            });
            for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
                List<ThroughputFleet> turns = Math.floorMod(run, 2) == 1 ? List.of(deployed, lean)
                        : List.of(lean, deployed);
                for (ThroughputFleet fleet : turns) {
                    JvmSettle.Outcome settled = JvmSettle.settle(THROUGHPUT_SETTLE_LIMIT);
                    JitMeter jit = JitMeter.start();
                    MachineCpuMeter cpu = MachineCpuMeter.start();
                    BatchRate rate = throughputRun(fleet, settings.throughputJobs());
                    double jitPercent = jit.percentOfWallTime();
                    MachineCpuMeter.Shares shares = cpu.shares();
                    if (run >= 1) {
                        fleet.rates.add(rate.sustained());
                        fleet.batchRates.add(rate.batch());
                        fleet.compiling.add(jitPercent);
                        fleet.stolen.add(shares.steal());
                    }
                    out.printf("  throughput run %2d%s, %s: %.0f branches/s sustained, %.0f over the batch (%d jobs "
                                    + "× %d no-op branches); JIT compiling %.0f %% of the time%s%s%n", run,
                            run < 1 ? " (warm-up)" : "",
                            fleet.progressEvents ? "progress events" : "no progress events", rate.sustained(),
                            rate.batch(), settings.throughputJobs(), THROUGHPUT_BRANCHES, jitPercent,
                            shares.describe(), settled.describe());
                }
            }
            measurements.add(new Measurement("throughput", "no-op branches/s, sustained", "branches/s",
                    deployed.rates, 10_000.0, false, "whole fleet in one JVM on this machine; while the middle 80 % "
                    + "of the job results were written; " + jitNote(deployed.compiling) + stealNote(deployed.stolen)));
            measurements.add(new Measurement("throughput", "no-op branches/s, whole batch", "branches/s",
                    deployed.batchRates, null, false, "first job submitted to last result read: adds ramp-up and "
                    + "drain"));
            measurements.add(new Measurement("throughput", "… without progress events, sustained", "branches/s",
                    lean.rates, null, false, "workers with --no-progress-events (no per-branch start/finish "
                    + "events), measured in turn with the fleet above; " + jitNote(lean.compiling)
                    + stealNote(lean.stolen)));
            measurements.add(new Measurement("throughput", "… without progress events, whole batch", "branches/s",
                    lean.batchRates, null, false, null));
        }
    }

    /** A throughput fleet, the load generator that submits to it, and its measured runs. */
    private static final class ThroughputFleet implements AutoCloseable {
        final LocalFleet fleet;
        final JobSubmitter submitter;
        final boolean progressEvents;
        /** Sustained rates (the middle 80 % of the results) and whole-batch rates of the measured runs. */
        final List<Double> rates = new ArrayList<>();
        final List<Double> batchRates = new ArrayList<>();
        final List<Double> compiling = new ArrayList<>();
        final List<Double> stolen = new ArrayList<>();

        private ThroughputFleet(LocalFleet fleet, JobSubmitter submitter, boolean progressEvents) {
            this.fleet = fleet;
            this.submitter = submitter;
            this.progressEvents = progressEvents;
        }

        static ThroughputFleet start(boolean progressEvents,
                                     UnaryOperator<OrchestratorOptions.Builder> orchestratorSettings) {
            LocalFleet fleet = LocalFleet.start(2, w -> w.config(benchModels()).maxInFlight(512).recordsPerPoll(64)
                    .recordLockDuration(THROUGHPUT_RECORD_LOCK).defaultTimeout(THROUGHPUT_RECORD_LOCK.dividedBy(2))
                    .progressEvents(progressEvents), orchestratorSettings);
            try {
                fleet.awaitReady(Duration.ofSeconds(60));
                Waits.orFail(Duration.ofSeconds(60), () -> fleet.workers().stream()
                        .allMatch(w -> w.health().ready()), "the workers did not join their share group");
                awaitSettledShareGroup(fleet);
                return new ThroughputFleet(fleet, new JobSubmitter(fleet.bootstrapServers(),
                        new SchemaRegistryClient(fleet.registryUrl()), fleet.topics()), progressEvents);
            } catch (RuntimeException e) {
                fleet.close();
                throw e;
            }
        }

        @Override
        public void close() {
            submitter.close();
            fleet.close();
        }
    }

    /**
     * The throughput fleets' record lock, instead of the workers' default of 5 minutes: no-op branches need no
     * more, and it bounds what the share group's delivery stall (docs/DESIGN.md) costs a run — task records
     * acquired for no consumer come back after the lock, so a stalled run finishes slow instead of failing. The
     * branch timeout is cut to fit in it, as the worker requires.
     */
    private static final Duration THROUGHPUT_RECORD_LOCK = Duration.ofSeconds(30);

    /**
     * A throughput run's tail (its last 1 % of results after the rest) this long says so: healthy runs end within
     * a second, a stalled one waits about the record lock.
     */
    private static final Duration STALLED_TAIL = THROUGHPUT_RECORD_LOCK.dividedBy(2);

    /**
     * Waits until the workers' share group has settled ({@link LocalFleet#awaitSettledShareGroup}), so that no
     * scenario measures members still joining (a fleet's workers start one after the other). It does not prevent
     * the delivery stall seen in the throughput fleets' first round (task records of one partition acquired for no
     * consumer until their lock expires), which also happened with the group stable (docs/DESIGN.md, the workers'
     * share consumers).
     */
    private static void awaitSettledShareGroup(LocalFleet fleet) {
        fleet.awaitSettledShareGroup(Duration.ofSeconds(60));
    }

    /** The longest a throughput run waits for the JVM to settle after the run before (see {@link JvmSettle}). */
    private static final Duration THROUGHPUT_SETTLE_LIMIT = Duration.ofSeconds(20);

    /**
     * Submits {@code count} 10-branch no-op jobs at once and waits for their results: branches/s while the middle
     * 80 % of the job results were written (by their timestamps; the fleet's sustained rate, the goal's measure), and
     * from the first submission to the last result read (adds the ramp-up and the drain).
     */
    private BatchRate throughputRun(ThroughputFleet throughputFleet, int count) {
        LocalFleet fleet = throughputFleet.fleet;
        JobSubmitter submitter = throughputFleet.submitter;
        List<JobRequest> jobs = IntStream.range(0, count).mapToObj(i -> job(THROUGHPUT_BRANCHES, NOOP)).toList();
        try (RecordCounter results = new RecordCounter(fleet.bootstrapServers(), fleet.topics().jobResults())) {
            long start = System.nanoTime();
            jobs.forEach(submitter::submitAsync);
            submitter.flush();
            long end;
            try {
                end = results.awaitCount(jobs.size(), Duration.ofMinutes(5), () -> { });
            } catch (IllegalStateException e) {
                Set<String> arrived = results.keys();
                List<String> missing = jobs.stream().map(JobRequest::getJobId).filter(id -> !arrived.contains(id))
                        .toList();
                throw new IllegalStateException(e.getMessage() + "; " + whereTheWorkIs(fleet) + "; "
                        + whyJobsAreMissing(fleet, missing), e);
            }
            long tail = results.tailMillis(0.99);
            if (tail >= STALLED_TAIL.toMillis()) {
                out.printf("  the last 1 %% of the job results came %.1f s after the rest: the mark of the share "
                        + "group's delivery stall (tasks acquired for no consumer until their %d s record lock "
                        + "expires; docs/DESIGN.md)%n", tail / 1000.0, THROUGHPUT_RECORD_LOCK.toSeconds());
            }
            return new BatchRate(results.sustainedRate(0.1, 0.9) * THROUGHPUT_BRANCHES,
                    (double) jobs.size() * THROUGHPUT_BRANCHES / ((end - start) / 1e9));
        }
    }

    /**
     * What a fleet that stopped producing results is holding, for the failure message: the task records the share
     * group has not acknowledged per partition, the branches each worker runs, the jobs the aggregator holds.
     * Records unacknowledged while no worker runs anything are records acquired and never acknowledged, which the
     * broker hands out again only when their lock expires.
     */
    static String whereTheWorkIs(LocalFleet fleet) {
        String backlog;
        try {
            TaskBacklog.Measurement measured = TaskBacklog.measureOnce(KafkaConnection.plain(fleet.bootstrapServers()),
                    fleet.topics().tasks(), WorkerOptions.DEFAULT_GROUP_ID, Clock.systemUTC());
            backlog = measured.total() + " task records unacknowledged, by partition " + measured.partitions();
        } catch (Exception e) {
            backlog = "the task backlog could not be measured (" + e + ")";
        }
        return backlog + "; branches running per worker " + fleet.workers().stream()
                .map(w -> w.workerId() + "=" + w.inFlight()).toList() + "; jobs the aggregator holds "
                + fleet.orchestrator().heldJobs();
    }

    /**
     * For jobs whose results never arrived: how many there are, and for the first few what the aggregator holds
     * (its status view: which branches it has results for) and how many branch results the results topic has for
     * them. Results on the topic that the aggregator does not show were lost between the two.
     */
    static String whyJobsAreMissing(LocalFleet fleet, List<String> missing) {
        if (missing.isEmpty()) {
            return "no job is missing a result";
        }
        List<String> sample = missing.subList(0, Math.min(3, missing.size()));
        Map<String, Integer> onTopic = new TreeMap<>();
        sample.forEach(id -> onTopic.put(id, 0));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(fleet.topics().results()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> onTopic.computeIfPresent(record.key(),
                        (id, count) -> count + 1));
            }
        } catch (RuntimeException e) {
            return missing.size() + " jobs without a result; the results topic could not be read (" + e + ")";
        }
        StringBuilder out = new StringBuilder(missing.size() + " jobs without a result; the first of them:");
        for (String jobId : sample) {
            out.append(" [").append(jobId).append(": ").append(onTopic.get(jobId))
                    .append(" branch results on the topic; the aggregator holds ").append(heldState(fleet, jobId))
                    .append(']');
        }
        return out.toString();
    }

    /** What the fleet's aggregator says of a job (GET /jobs/{id} on its status server). */
    private static String heldState(LocalFleet fleet, String jobId) {
        OptionalInt port = fleet.orchestrator().httpPort();
        if (port.isEmpty()) {
            return "(no status server)";
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port.getAsInt() + "/jobs/" + jobId))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return "HTTP " + response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "(status not readable: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /**
     * Serves rounds of work unmeasured for at least {@code warmUpTime} and then until the JIT compiler is quiet
     * (see {@link #QUIET_COMPILER_PERCENT}) or {@code maxWarmUpTime} has passed, so that the measured runs meet
     * compiled code rather than the compiler at work on a core the system under test needs. A fixed time measured fleets in different states: a fleet
     * started after others in the same JVM finds much of its code compiled already, and a throughput fleet's
     * compiler was still busy half the time after four minutes.
     */
    private void warmUp(String fleet, Runnable round) {
        if (!settings.warmUpTime().isPositive()) {
            return;
        }
        JitMeter jit = JitMeter.start();
        JitMeter window = JitMeter.start();
        List<Double> windows = new ArrayList<>();
        int quietWindows = 0;
        int rounds = 0;
        while (true) {
            round.run();
            rounds++;
            if (window.elapsed().compareTo(QUIET_WINDOW) >= 0) {
                double compiling = window.percentOfWallTime();
                windows.add(compiling);
                // NaN: the JVM does not say how busy its compiler is; then the minimum time is all there is
                quietWindows = compiling > QUIET_COMPILER_PERCENT ? 0 : quietWindows + 1;
                if (jit.elapsed().compareTo(settings.warmUpTime()) >= 0 && (quietWindows >= QUIET_WINDOWS
                        || jit.elapsed().compareTo(settings.maxWarmUpTime()) >= 0)) {
                    break;
                }
                window = JitMeter.start();
            }
        }
        out.printf("  %s warmed up: %d rounds in %.0f s, the JIT compiling %.0f %% of the time (%s %% by %d s)%s%n",
                fleet, rounds, jit.elapsed().toMillis() / 1e3, jit.percentOfWallTime(), windows.stream()
                        .map(percent -> String.format(Locale.ROOT, "%.0f", percent)).toList(),
                QUIET_WINDOW.toSeconds(), quietWindows >= QUIET_WINDOWS ? "" : "; still busy at --max-warm-up-time");
    }

    /** The median JIT share over the measured runs, for a measurement's note. */
    static String jitNote(List<Double> compiling) {
        List<Double> reported = compiling.stream().filter(percent -> !percent.isNaN()).toList();
        return reported.isEmpty() ? "JIT time not reported by this JVM"
                : String.format(Locale.ROOT, "JIT compiling %.0f %% of the time", Stats.median(reported));
    }

    /**
     * The CPU the host took from this virtual machine over the measured runs (min – max), for a measurement's note;
     * nothing where the machine does not report steal time.
     */
    static String stealNote(List<Double> stolen) {
        List<Double> reported = stolen.stream().filter(percent -> !percent.isNaN()).toList();
        if (reported.isEmpty()) {
            return "";
        }
        if (Stats.max(reported) < 0.5) {
            return "; no steal by the host";
        }
        return String.format(Locale.ROOT, "; the host took %.0f – %.0f %% of the CPU (steal)", Stats.min(reported),
                Stats.max(reported));
    }

    private void scaleOut() throws Exception {
        out.printf("%n[scale-out: 1, 2, 4 worker processes, %d in flight each, %d ms branches]%n", ScaleOut.IN_FLIGHT,
                ScaleOut.BRANCH_LATENCY.toMillis());
        ScaleOut scaleOut = new ScaleOut(settings.logDir(), out);
        Map<Integer, List<BatchRate>> rates = scaleOut.run(settings.warmups(), settings.runs());
        rates.forEach((workers, perRun) -> scaleOutRates.put(workers,
                perRun.stream().map(BatchRate::sustained).toList()));
        List<Double> oneToTwo = new ArrayList<>();
        List<Double> twoToFour = new ArrayList<>();
        for (int i = 0; i < rates.get(1).size(); i++) {
            oneToTwo.add(rates.get(2).get(i).sustained() / rates.get(1).get(i).sustained());
            twoToFour.add(rates.get(4).get(i).sustained() / rates.get(2).get(i).sustained());
        }
        rates.forEach((workers, perRun) -> {
            String processes = workers + " worker process" + (workers > 1 ? "es" : "");
            measurements.add(new Measurement("scale-out", processes + ", sustained", "branches/s",
                    perRun.stream().map(BatchRate::sustained).toList(), null, false,
                    String.format(Locale.ROOT, "the in-flight caps allow %.0f", ScaleOut.ideal(workers))));
            measurements.add(new Measurement("scale-out", processes + ", whole batch", "branches/s",
                    perRun.stream().map(BatchRate::batch).toList(), null, false,
                    "first task written to last result read: adds ramp-up and drain"));
        });
        measurements.add(new Measurement("scale-out", "1 → 2 workers", "×", oneToTwo, 1.9, false,
                "sustained rates, ratio within each run"));
        measurements.add(new Measurement("scale-out", "2 → 4 workers", "×", twoToFour, 1.9, false,
                "sustained rates, ratio within each run"));
    }

    private void coldDemo() throws Exception {
        out.printf("%n[cold demo: 'braid demo' in a fresh JVM each time]%n");
        List<Double> seconds = new ArrayList<>();
        for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
            Path log = settings.logDir().resolve("cold-demo-" + (run < 1 ? "warmup" : run) + ".log");
            long start = System.nanoTime();
            Process demo = BraidProcess.start(List.of(), List.of("demo"), log);
            if (!demo.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
                demo.destroyForcibly();
                throw new IllegalStateException("braid demo did not finish within 2 minutes; see " + log);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            String printed = java.nio.file.Files.readString(log);
            if (demo.exitValue() != 0 || !printed.contains("SUCCEEDED")) {
                throw new IllegalStateException("braid demo failed (exit " + demo.exitValue() + "); see " + log);
            }
            if (run >= 1) {
                seconds.add(elapsed);
            }
            out.printf("  cold demo run %2d%s: %.1f s%n", run, run < 1 ? " (warm-up)" : "", elapsed);
        }
        measurements.add(new Measurement("cold-demo", "command to answer", "s", seconds, 20.0, true,
                "new JVM: embedded broker, registry, orchestrator, 3 workers, the sample job"));
    }

    /** The median of each stage of {@link JobTimer.Timed#stages()}, labelled. */
    static String describeStages(List<double[]> stages) {
        String[] names = {"to first branch", "branches", "to completed", "last result readable",
                "result to job result read"};
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < names.length; k++) {
            int stage = k;
            text.append(k == 0 ? "" : ", ").append(names[k]).append(' ')
                    .append(String.format("%.0f ms", Stats.median(stages.stream().map(s -> s[stage]).toList())));
        }
        return text.toString();
    }

    private static void requireSucceeded(JobTimer.Timed timed) {
        if (timed.result().getStatus() != JobStatus.SUCCEEDED) {
            throw new IllegalStateException("job " + timed.result().getJobId() + " ended "
                    + timed.result().getStatus() + ": " + timed.result().getBranches());
        }
    }
}

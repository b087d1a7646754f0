package io.braid.bench.internal;

import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.Delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.braid.bench.internal.RunNotes.describeStages;
import static io.braid.bench.internal.RunNotes.jitNote;
import static io.braid.bench.internal.RunNotes.stealNote;
import static io.braid.bench.internal.SuiteContext.NOOP;
import static io.braid.bench.internal.SuiteContext.RESULT_TIMEOUT;
import static io.braid.bench.internal.SuiteContext.SLOW;
import static io.braid.bench.internal.SuiteContext.awaitSettledShareGroup;
import static io.braid.bench.internal.SuiteContext.benchModels;
import static io.braid.bench.internal.SuiteContext.requireSucceeded;

/**
 * The scenarios of an idle fleet of one worker: {@code fan-in} (job wall time minus its slowest branch, p50 and
 * p99), {@code job-100} (a 100-branch no-op job against in-process futures and a Celery chord) and
 * {@code speedup} (20 branches of 500 ms against sequential).
 */
final class LatencyScenarios extends SuiteScenario {

    static final double EXACTLY_ONCE_P50_GOAL = 25.0;
    static final double LOW_LATENCY_P50_GOAL = 6.0;

    LatencyScenarios(SuiteContext suite) {
        super(suite);
    }

    /**
     * Fan-in overhead, the 100-branch job and the speedup, on one idle fleet. The low-latency mode is measured
     * twice: as deployed by default, and with workers that publish no progress events, its lowest-latency setting
     * (the two per-branch events measured up to ≈ 5 ms of a 10-branch job's low-latency fan-in).
     */
    void run(boolean lowLatency, boolean progressEvents) throws Exception {
        String mode = (lowLatency ? "low-latency" : "exactly-once") + (progressEvents ? "" : ", no progress events");
        out.printf("%n[%s fleet: embedded broker, orchestrator, 1 worker]%n", mode);
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.config(benchModels()).maxInFlight(256).recordsPerPoll(16)
                        .progressEvents(progressEvents),
                o -> suite.tuned(o).delivery(lowLatency ? Delivery.LOW_LATENCY : Delivery.EXACTLY_ONCE));
             JobTimer timer = new JobTimer(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics());
             InProcessBaseline inProcess = new InProcessBaseline()) {
            fleet.awaitReady(Duration.ofSeconds(60));
            Waits.orFail(Duration.ofSeconds(60), () -> fleet.workers().stream().allMatch(w -> w.health().ready()),
                    "the worker did not join its share group");
            awaitSettledShareGroup(fleet);
            suite.warmUp(mode + " fleet", () -> requireSucceeded(timer.run(suite.job(10, NOOP), RESULT_TIMEOUT)));
            if (suite.wants("fan-in")) {
                fanIn(timer, mode);
            }
            if (!lowLatency && suite.wants("job-100")) {
                job100(timer, inProcess);
            }
            if (!lowLatency && suite.wants("speedup")) {
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
                JobTimer.Timed timed = timer.run(suite.job(10, NOOP), RESULT_TIMEOUT);
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
                suite.overheadSamples().computeIfAbsent(mode, m -> new ArrayList<>()).addAll(overheads);
            }
            out.printf("  fan-in %-12s run %2d%s: p50 %.1f ms, p99 %.1f ms over %d jobs; median stages: %s; "
                            + "JIT compiling %.0f %% of the time%s%n",
                    mode, run, run < 1 ? " (warm-up)" : "", Stats.percentile(overheads, 50),
                    Stats.percentile(overheads, 99), overheads.size(), describeStages(stages), jitPercent,
                    shares.describe());
        }
        boolean exactlyOnce = mode.startsWith("exactly-once");
        suite.add(new Measurement("fan-in (" + mode + ")", "overhead p50", "ms", p50,
                exactlyOnce ? EXACTLY_ONCE_P50_GOAL : LOW_LATENCY_P50_GOAL, true,
                "job wall time minus its slowest branch; 10 no-op branches; " + jitNote(compiling)
                        + stealNote(stolen)));
        suite.add(new Measurement("fan-in (" + mode + ")", "overhead p99", "ms", p99,
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
        suite.add(new Measurement("job-100", "Braid wall time", "ms", braid, null, true,
                "100 no-op branches, submit to result"));
        suite.add(new Measurement("job-100", "in-process futures", "ms", futures, null, true,
                "the same branches with CompletableFutures in one JVM"));
        if (!celery.isEmpty()) {
            suite.add(new Measurement("job-100", "Celery chord", "ms", celery, null, true,
                    "100 no-op tasks + a collecting callback, Redis broker and backend"));
            suite.add(new Measurement("job-100", "Celery / Braid", "×", ratio, 5.0, false,
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
                JobTimer.Timed timed = timer.run(suite.job(100, NOOP), RESULT_TIMEOUT);
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
                JobTimer.Timed timed = timer.run(suite.job(20, SLOW), RESULT_TIMEOUT);
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
        suite.add(new Measurement("speedup", "20 × 500 ms wall time", "ms", walls, 625.0, true, null));
        suite.add(new Measurement("speedup", "speedup over sequential", "×", speedups, 16.0, false, null));
        suite.add(new Measurement("speedup", "in-process futures", "ms", inProc, null, true, null));
    }
}

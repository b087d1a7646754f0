package io.braid.bench.internal;

import io.braid.cli.stack.LocalFleet;
import io.braid.schema.BranchOutcome;
import io.braid.schema.Hedge;
import io.braid.schema.JobRequest;
import io.braid.worker.WorkerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static io.braid.bench.internal.SuiteContext.requireSucceeded;

/**
 * The {@code hedging} scenario (issue 20, goal 9): a simulated model with a heavy tail — {@value #LATENCY_MS} ms,
 * and {@value #SLOW_SHARE} of the calls {@value #SLOW_FACTOR}× slower (the worker's {@code slowCallShare} and
 * {@code slowCallFactor}) — and {@link FlowSizes#hedgingJobs} one-branch jobs per mode, {@value #CONCURRENT} at a
 * time, without hedging and with the job's {@code hedge} after {@value #HEDGE_AFTER_MS} ms; the two modes take
 * turns. Reported: each mode's p99 job wall time, their ratio (goal ≤ ½) and the extra calls hedging cost
 * (the results' {@code hedgedCalls}, as a share of the branches). One-branch jobs, because a job's time is its
 * slowest branch: with 10 branches a job would meet a slow hedge as well as a slow first call 2.5 % of the time,
 * and the p99 would measure that.
 */
final class HedgingScenario extends SuiteScenario {

    static final double RATIO_GOAL = 0.5;
    static final String MODEL = "tail";
    static final int LATENCY_MS = 100;
    static final double SLOW_SHARE = 0.05;
    static final int SLOW_FACTOR = 10;
    static final long HEDGE_AFTER_MS = 300;
    static final int CONCURRENT = 20;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    static final String NEEDS = "the simulated model's heavy tail (slowCallShare, slowCallFactor) and hedging "
            + "(issue 20, worker side)";

    /** One mode's run: its jobs' wall times and the hedged calls they reported. */
    private record Batch(List<Double> millis, long hedgedCalls) {
        double p99() {
            return Stats.percentile(millis, 99);
        }
    }

    HedgingScenario(SuiteContext suite) {
        super(suite);
    }

    void run() throws Exception {
        int jobs = settings.flow().hedgingJobs();
        out.printf(Locale.ROOT, "%n[hedging: embedded broker, orchestrator, 1 worker; model %s: %d ms, %.0f %% of calls "
                + "%d× slower; %d one-branch jobs per mode, %d at a time; hedge after %d ms vs none]%n", MODEL,
                LATENCY_MS, SLOW_SHARE * 100, SLOW_FACTOR, jobs, CONCURRENT, HEDGE_AFTER_MS);
        WorkerConfig config = Needs.workerConfig(writeConfig(), NEEDS);
        List<Double> plain = new ArrayList<>();
        List<Double> hedged = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        List<Double> extra = new ArrayList<>();
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.config(config).maxInFlight(256).recordsPerPoll(16),
                suite::tuned);
             JobTimer timer = new JobTimer(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics());
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            fleet.awaitReady(Duration.ofSeconds(60));
            fleet.warmUp(Duration.ofSeconds(60)); // a fresh share group's first deliveries are slow
            suite.warmUp("hedging fleet", () -> batch(timer, clients, CONCURRENT, false));
            for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
                boolean hedgedFirst = Math.floorMod(run, 2) == 0;
                Batch first = batch(timer, clients, jobs, hedgedFirst);
                Batch second = batch(timer, clients, jobs, !hedgedFirst);
                Batch without = hedgedFirst ? second : first;
                Batch with = hedgedFirst ? first : second;
                if (with.hedgedCalls() == 0) {
                    throw new IllegalStateException("needs " + NEEDS + ": no hedged call started in " + jobs
                            + " jobs with hedge.afterMs " + HEDGE_AFTER_MS);
                }
                out.printf(Locale.ROOT, "  hedging run %2d%s: p99 without %.0f ms, with %.0f ms (%.2f×); p50 %.0f / "
                                + "%.0f ms; %d hedged calls (%.1f %% extra)%n", run, run < 1 ? " (warm-up)" : "",
                        without.p99(), with.p99(), with.p99() / without.p99(), Stats.percentile(without.millis(), 50),
                        Stats.percentile(with.millis(), 50), with.hedgedCalls(), 100.0 * with.hedgedCalls() / jobs);
                if (run >= 1) {
                    plain.add(without.p99());
                    hedged.add(with.p99());
                    ratio.add(with.p99() / without.p99());
                    extra.add(100.0 * with.hedgedCalls() / jobs);
                }
            }
        }
        String jobsNote = String.format(Locale.ROOT, "%d one-branch jobs, %d at a time; %d ms, %.0f %% of calls %d× "
                + "slower", jobs, CONCURRENT, LATENCY_MS, SLOW_SHARE * 100, SLOW_FACTOR);
        suite.add(new Measurement("hedging", "job p99, no hedging", "ms", plain, null, true, jobsNote));
        suite.add(new Measurement("hedging", "job p99, hedge after " + HEDGE_AFTER_MS + " ms", "ms", hedged, null,
                true, null));
        suite.add(new Measurement("hedging", "p99 with / without hedging", "×", ratio, RATIO_GOAL, true,
                "#9; ratio within each run"));
        suite.add(new Measurement("hedging", "extra calls (hedged)", "% of branches", extra, null, true,
                "sum of the results' hedgedCalls; the tail is " + Math.round(SLOW_SHARE * 100) + " %"));
    }

    private Path writeConfig() throws java.io.IOException {
        Path file = settings.logDir().resolve("hedging-worker.yaml");
        Files.writeString(file, """
                # braid bench hedging: a simulated model with a heavy tail
                defaultModel: %s
                models:
                  %s: { provider: simulated, minLatency: %dms, maxLatency: %dms, slowCallShare: %s, slowCallFactor: %d }
                """.formatted(MODEL, MODEL, LATENCY_MS, LATENCY_MS, SLOW_SHARE, SLOW_FACTOR));
        return file;
    }

    /** {@code count} one-branch jobs, {@value #CONCURRENT} at a time, hedged or not. */
    private Batch batch(JobTimer timer, ExecutorService clients, int count, boolean hedge) {
        AtomicInteger left = new AtomicInteger(count);
        List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger hedgedCalls = new AtomicInteger();
        List<CompletableFuture<Void>> streams = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            streams.add(CompletableFuture.runAsync(() -> {
                while (left.getAndDecrement() > 0) {
                    JobRequest job = suite.job(1, MODEL);
                    if (hedge) {
                        job = JobRequest.newBuilder(job).setHedge(Hedge.newBuilder().setAfterMs(HEDGE_AFTER_MS)
                                .build()).build();
                    }
                    JobTimer.Timed timed = timer.run(job, TIMEOUT);
                    requireSucceeded(timed);
                    millis.add(timed.wallMillis());
                    hedgedCalls.addAndGet(timed.result().getBranches().stream()
                            .mapToInt(BranchOutcome::getHedgedCalls).sum());
                }
            }, clients));
        }
        CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new)).join();
        return new Batch(List.copyOf(millis), hedgedCalls.get());
    }
}

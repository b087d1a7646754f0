package io.braid.bench.internal;

import io.braid.cli.stack.LocalFleet;
import io.braid.schema.JobRequest;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static io.braid.bench.internal.RunNotes.jitNote;
import static io.braid.bench.internal.RunNotes.stealNote;
import static io.braid.bench.internal.SuiteContext.NOOP;

/** The {@code throughput} scenario: sustained no-op branches/s through the whole fleet in one JVM. */
final class ThroughputScenario extends SuiteScenario {

    private static final int THROUGHPUT_BRANCHES = 10;

    /**
     * A throughput run's tail (its last 1 % of results after the rest) this long says so: healthy runs end within
     * a second, a stalled one waits about the record lock.
     */
    private static final Duration STALLED_TAIL = ThroughputFleet.RECORD_LOCK.dividedBy(2);

    /** The longest a throughput run waits for the JVM to settle after the run before (see {@link JvmSettle}). */
    private static final Duration THROUGHPUT_SETTLE_LIMIT = Duration.ofSeconds(20);

    ThroughputScenario(SuiteContext suite) {
        super(suite);
    }

    /**
     * Throughput with progress events (as deployed) and without, measured on two fleets that run side by side in
     * the JVM and take turns — warm-up rounds alternate between them, and so do the measured runs, each pair in the
     * other order than the last. Measured one fleet after the other, the second met the code the first had made the
     * compiler compile, and the first paid for it: the comparison measured the order. Each run starts once the
     * JVM has settled after the run before ({@link JvmSettle}).
     */
    void run() throws Exception {
        out.printf("%n[throughput: two fleets in one JVM, each an embedded broker, an orchestrator and 2 workers, "
                + "one with progress events and one without, measured in turn]%n");
        try (ThroughputFleet deployed = ThroughputFleet.start(true, suite::tuned);
             ThroughputFleet lean = ThroughputFleet.start(false, suite::tuned)) {
            int warmUpJobs = Math.min(1_000, settings.throughputJobs());
            suite.warmUp("throughput fleets", () -> {
                throughputRun(deployed, warmUpJobs);
                throughputRun(lean, warmUpJobs);
            });
            for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
                List<ThroughputFleet> turns = Math.floorMod(run, 2) == 1 ? List.of(deployed, lean)
                        : List.of(lean, deployed);
                for (ThroughputFleet fleet : turns) {
                    measureTurn(fleet, run);
                }
            }
            suite.add(new Measurement("throughput", "no-op branches/s, sustained", "branches/s",
                    deployed.rates, 10_000.0, false, "whole fleet in one JVM on this machine; while the middle 80 % "
                    + "of the job results were written; " + jitNote(deployed.compiling) + stealNote(deployed.stolen)));
            suite.add(new Measurement("throughput", "no-op branches/s, whole batch", "branches/s",
                    deployed.batchRates, null, false, "first job submitted to last result read: adds ramp-up and "
                    + "drain"));
            suite.add(new Measurement("throughput", "… without progress events, sustained", "branches/s",
                    lean.rates, null, false, "workers with --no-progress-events (no per-branch start/finish "
                    + "events), measured in turn with the fleet above; " + jitNote(lean.compiling)
                    + stealNote(lean.stolen)));
            suite.add(new Measurement("throughput", "… without progress events, whole batch", "branches/s",
                    lean.batchRates, null, false, null));
        }
    }

    /** One run of one fleet, once the JVM has settled after the run before; kept unless a warm-up run. */
    private void measureTurn(ThroughputFleet fleet, int run) {
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

    /**
     * Submits {@code count} 10-branch no-op jobs at once and waits for their results: branches/s while the middle
     * 80 % of the job results were written (by their timestamps; the fleet's sustained rate, the goal's measure), and
     * from the first submission to the last result read (adds the ramp-up and the drain).
     */
    private BatchRate throughputRun(ThroughputFleet throughputFleet, int count) {
        LocalFleet fleet = throughputFleet.fleet;
        JobSubmitter submitter = throughputFleet.submitter;
        List<JobRequest> jobs = IntStream.range(0, count).mapToObj(i -> suite.job(THROUGHPUT_BRANCHES, NOOP))
                .toList();
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
                throw new IllegalStateException(e.getMessage() + "; " + StallDiagnosis.whereTheWorkIs(fleet) + "; "
                        + StallDiagnosis.whyJobsAreMissing(fleet, missing), e);
            }
            long tail = results.tailMillis(0.99);
            if (tail >= STALLED_TAIL.toMillis()) {
                out.printf("  the last 1 %% of the job results came %.1f s after the rest: the mark of the share "
                        + "group's delivery stall (tasks acquired for no consumer until their %d s record lock "
                        + "expires; docs/DESIGN.md)%n", tail / 1000.0, ThroughputFleet.RECORD_LOCK.toSeconds());
            }
            return new BatchRate(results.sustainedRate(0.1, 0.9) * THROUGHPUT_BRANCHES,
                    (double) jobs.size() * THROUGHPUT_BRANCHES / ((end - start) / 1e9));
        }
    }
}

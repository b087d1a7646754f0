package io.braid.bench.internal;

import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import io.braid.worker.WorkerConfig;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * What the scenarios of one {@link ScenarioBenchmark} run share: its settings and console, the measurements so far
 * (in the order they were taken), the samples behind the plot's curves, the jobs they submit, the orchestrator
 * tuning of the fleets and their warm-up.
 */
final class SuiteContext {

    static final String NOOP = "noop";
    static final String SLOW = "slow500";
    static final Duration RESULT_TIMEOUT = Duration.ofMinutes(2);

    private final ScenarioBenchmark.Settings settings;
    private final PrintStream out;
    private final WarmUp warmUp;
    private final AtomicLong jobIds = new AtomicLong();
    private final List<Measurement> measurements = new ArrayList<>();
    private final Map<Integer, List<Double>> scaleOutRates = new TreeMap<>();
    private final Map<String, List<Double>> overheadSamples = new LinkedHashMap<>();

    SuiteContext(ScenarioBenchmark.Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.warmUp = new WarmUp(settings.warmUpTime(), settings.maxWarmUpTime(), out);
    }

    ScenarioBenchmark.Settings settings() {
        return settings;
    }

    PrintStream out() {
        return out;
    }

    /** The measurements so far; the suite's result. */
    List<Measurement> measurements() {
        return measurements;
    }

    void add(Measurement measurement) {
        measurements.add(measurement);
    }

    /** The sustained branches/s of each measured scale-out run, by worker count. */
    Map<Integer, List<Double>> scaleOutRates() {
        return scaleOutRates;
    }

    /** Every fan-in overhead measured (ms), by fleet mode. */
    Map<String, List<Double>> overheadSamples() {
        return overheadSamples;
    }

    /** Whether this run measures {@code scenario}: the named ones, or all but those run on request only. */
    boolean wants(String scenario) {
        return settings.scenarios().isEmpty() ? !ScenarioBenchmark.ON_REQUEST.contains(scenario)
                : settings.scenarios().contains(scenario);
    }

    OrchestratorOptions.Builder tuned(OrchestratorOptions.Builder orchestrator) {
        if (settings.commitInterval() != null) {
            orchestrator.commitInterval(settings.commitInterval());
        }
        if (settings.pollTime() != null) {
            orchestrator.streamsPollTime(settings.pollTime());
        }
        return orchestrator;
    }

    /** Serves {@code round} unmeasured until the fleet is warm (see {@link WarmUp}). */
    void warmUp(String fleet, Runnable round) {
        warmUp.run(fleet, round);
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

    static void requireSucceeded(JobTimer.Timed timed) {
        if (timed.result().getStatus() != JobStatus.SUCCEEDED) {
            throw new IllegalStateException("job " + timed.result().getJobId() + " ended "
                    + timed.result().getStatus() + ": " + timed.result().getBranches());
        }
    }

    /**
     * Waits until the workers' share group has settled ({@link LocalFleet#awaitSettledShareGroup}), so that no
     * scenario measures members still joining (a fleet's workers start one after the other). It does not prevent
     * the delivery stall seen in the throughput fleets' first round (task records of one partition acquired for no
     * consumer until their lock expires), which also happened with the group stable (docs/DESIGN.md, the workers'
     * share consumers).
     */
    static void awaitSettledShareGroup(LocalFleet fleet) {
        fleet.awaitSettledShareGroup(Duration.ofSeconds(60));
    }
}

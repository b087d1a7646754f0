package io.braid.bench.internal;

import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.registry.SchemaRegistryClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static io.braid.bench.internal.SuiteContext.awaitSettledShareGroup;
import static io.braid.bench.internal.SuiteContext.benchModels;

/** A throughput fleet, the load generator that submits to it, and its measured runs. */
final class ThroughputFleet implements AutoCloseable {

    /**
     * The throughput fleets' record lock, instead of the workers' default of 5 minutes: no-op branches need no
     * more, and it bounds what the share group's delivery stall (docs/DESIGN.md) costs a run — task records
     * acquired for no consumer come back after the lock, so a stalled run finishes slow instead of failing. The
     * branch timeout is cut to fit in it, as the worker requires.
     */
    static final Duration RECORD_LOCK = Duration.ofSeconds(30);

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
                .recordLockDuration(RECORD_LOCK).defaultTimeout(RECORD_LOCK.dividedBy(2))
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

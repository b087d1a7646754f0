package io.braid.worker;

import io.braid.worker.internal.WorkerModule;
import io.braid.worker.internal.WorkerRuntime;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * A worker process: share consumers on the tasks topic, branches on virtual threads, results to the results
 * topic. Stateless: start as many as needed, anywhere. Its parts are built and wired in one place,
 * {@link WorkerModule}.
 *
 * <p>Lifecycle: {@link #start} joins the share group and takes work; {@link #close()} drains — it stops
 * acquiring, lets running branches finish for up to the shutdown grace, then interrupts the rest and releases
 * their records so other workers run them at once.
 */
public final class Worker implements AutoCloseable {

    /** Where a worker is in its life. */
    public enum State { RUNNING, DRAINING, STOPPED }

    private final WorkerRuntime runtime;

    private Worker(WorkerRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Starts a worker with the models and tools of its configuration ({@link WorkerOptions#effectiveConfig()}: the
     * simulated model unless a config file names others), the built-in tools, and the tools of its plugins.
     */
    public static Worker start(WorkerOptions options) {
        return start(new WorkerModule(options));
    }

    /**
     * As {@link #start(WorkerOptions)}, with what the embedding code adds: its own tools (under the same policy and
     * limits as every tool) and a listener of the branches.
     */
    public static Worker start(WorkerOptions options, WorkerExtensions extensions) {
        return start(new WorkerModule(options, extensions));
    }

    /** Starts a worker with the parts {@code module} builds: for tests that replace some of them. */
    public static Worker start(WorkerModule module) {
        return new Worker(module.start());
    }

    /** The tools this worker offers (those switched off by configuration included). */
    public List<String> toolNames() {
        return runtime.toolNames();
    }

    public String workerId() {
        return runtime.options().workerId();
    }

    /** How many share consumers (members of the workers' share group) this worker runs. */
    public int consumers() {
        return runtime.consumers();
    }

    public State state() {
        return runtime.state();
    }

    /** Branches running now. */
    public int inFlight() {
        return runtime.metrics().inFlight();
    }

    /** The most branches that ran at once since this worker started. */
    public int peakInFlight() {
        return runtime.metrics().peakInFlight();
    }

    /** The port of the health and metrics endpoint, if it is on. */
    public OptionalInt httpPort() {
        return runtime.httpPort();
    }

    /** The worker's meters in Prometheus text format, as {@code GET /metrics} serves them. */
    public String scrapeMetrics() {
        return runtime.scrapeMetrics();
    }

    /**
     * Live while no part of the worker (a consumer loop, the control listener) has died
     * unexpectedly; ready once all consumers have joined the share group, while the worker takes work and while
     * no problem is reported (a part that died, the schema registry unavailable), whose reasons the health's
     * {@code problem} gives.
     */
    public WorkerHealth health() {
        return runtime.health();
    }

    /** Drains with the configured shutdown grace; see {@link #shutdown(Duration)}. */
    @Override
    public void close() {
        shutdown(runtime.options().shutdownGrace());
    }

    /**
     * Stops acquiring tasks, lets running branches finish for up to {@code grace}, then interrupts the rest: their
     * records are released (not accepted), so another worker runs them at once. Idempotent.
     */
    public void shutdown(Duration grace) {
        runtime.shutdown(grace);
    }
}

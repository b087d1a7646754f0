package io.braid.cli.stack;

import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.Topics;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Everything in one JVM: the embedded broker and registry on free loopback ports in a fresh temporary directory,
 * an orchestrator, and {@code workers} workers. What {@code braid demo} and {@code braid run} without
 * {@code --bootstrap-servers} use, and what the end-to-end tests drive.
 */
public final class LocalFleet implements AutoCloseable {

    private final Path dataDir;
    private final EmbeddedStack stack;
    private final Orchestrator orchestrator;
    private final List<Worker> workers;

    private LocalFleet(Path dataDir, EmbeddedStack stack, Orchestrator orchestrator, List<Worker> workers) {
        this.dataDir = dataDir;
        this.stack = stack;
        this.orchestrator = orchestrator;
        this.workers = workers;
    }

    public static LocalFleet start(int workers, UnaryOperator<WorkerOptions.Builder> workerSettings) {
        return start(workers, workerSettings, UnaryOperator.identity());
    }

    /** As {@link #start(int, UnaryOperator)}, with the orchestrator's settings adjusted too. */
    public static LocalFleet start(int workers, UnaryOperator<WorkerOptions.Builder> workerSettings,
                                   UnaryOperator<OrchestratorOptions.Builder> orchestratorSettings) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("braid-local");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        EmbeddedStack stack = EmbeddedStack.start(dataDir.resolve("kafka"), 0, 0);
        Orchestrator orchestrator = Orchestrator.start(orchestratorSettings.apply(OrchestratorOptions
                .builder(stack.bootstrapServers(), stack.registryUrl())
                .partitions(3)
                .instanceId("local")
                .httpPort(0)
                .stateDir(dataDir.resolve("aggregator"))
                ).build());
        LocalFleet fleet = new LocalFleet(dataDir, stack, orchestrator, new CopyOnWriteArrayList<>());
        for (int i = 0; i < workers; i++) {
            fleet.addWorker(workerSettings);
        }
        return fleet;
    }

    /** Starts one more worker, named {@code worker-N}, in the running fleet: scaling out. */
    public Worker addWorker(UnaryOperator<WorkerOptions.Builder> workerSettings) {
        Worker worker = Worker.start(workerSettings.apply(WorkerOptions
                .builder(stack.bootstrapServers(), stack.registryUrl())
                .workerId("worker-" + (workers.size() + 1))).build());
        workers.add(worker);
        return worker;
    }

    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    public String registryUrl() {
        return stack.registryUrl();
    }

    public Topics topics() {
        return Topics.defaults();
    }

    public List<Worker> workers() {
        return List.copyOf(workers);
    }

    public Orchestrator orchestrator() {
        return orchestrator;
    }

    /** Waits until the aggregator is processing, so the first job is not held up by its start-up. */
    public LocalFleet awaitReady(Duration timeout) {
        orchestrator.awaitRunning(timeout);
        return this;
    }

    @Override
    public void close() {
        // The whole fleet stops: no other worker could take over, so branches still running are not waited for.
        workers.forEach(worker -> worker.shutdown(Duration.ZERO));
        orchestrator.close();
        stack.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}

package io.braid.bench.internal;

import io.braid.cli.stack.BraidProcess;
import io.braid.registry.EmbeddedSchemaRegistry;
import io.braid.registry.RegistryOptions;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.stack.ClusterLayout;
import io.braid.stack.ClusterNode;
import io.braid.stack.EmbeddedKafkaBroker;
import io.braid.stack.ProcessCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every part a process of its own, as the {@code cluster} and {@code soak} scenarios run them: the broker(s)
 * ({@link ProcessCluster}), the schema registry (in this JVM), one {@code braid orchestrator} and two
 * {@code braid worker}s, each process ready (its {@code /health/ready} answers 200) before {@link #start} returns.
 */
final class ProcessFleet implements AutoCloseable {

    static final int PARTITIONS = 6;
    private static final int WORKERS = 2;

    private final ProcessCluster cluster;
    private final EmbeddedSchemaRegistry registry;
    private final Path stateDir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> httpPorts = new ArrayList<>();

    private ProcessFleet(ProcessCluster cluster, EmbeddedSchemaRegistry registry, Path stateDir) {
        this.cluster = cluster;
        this.registry = registry;
        this.stateDir = stateDir;
    }

    /**
     * Starts {@code brokers} broker processes, the registry, the orchestrator (with {@code orchestratorArgs} besides
     * the connection, instance id, partitions, state directory and HTTP port) and two workers; logs in {@code logDir}.
     */
    static ProcessFleet start(int brokers, Path logDir, HttpClient http, List<String> orchestratorArgs)
            throws Exception {
        ClusterLayout layout = ClusterLayout.create(Files.createTempDirectory("braid-bench-cluster"), brokers, 0);
        ProcessCluster cluster = ProcessCluster.start(layout, logDir, List.of("-Xmx512m"));
        EmbeddedSchemaRegistry registry;
        try {
            registry = EmbeddedSchemaRegistry.start(RegistryOptions.defaults(cluster.bootstrapServers()).withPort(0));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        ProcessFleet fleet = new ProcessFleet(cluster, registry, Files.createTempDirectory("braid-bench-state"));
        try {
            List<String> orchestrator = new ArrayList<>(List.of("--instance-id", "bench-orchestrator",
                    "--partitions", Integer.toString(PARTITIONS), "--state-dir", fleet.stateDir.toString()));
            orchestrator.addAll(orchestratorArgs);
            fleet.launch(logDir, "orchestrator", orchestrator);
            for (int i = 1; i <= WORKERS; i++) {
                fleet.launch(logDir, "worker", List.of("--worker-id", "bench-worker-" + i, "--max-in-flight", "256"));
            }
            Waits.orFail(Duration.ofSeconds(120), () -> fleet.httpPorts.stream().allMatch(port -> FleetBenchmark
                    .status(http, URI.create("http://127.0.0.1:" + port + "/health/ready")) == 200),
                    "the cluster fleet did not become ready; see " + logDir);
            return fleet;
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
    }

    private void launch(Path logDir, String command, List<String> extra) {
        int port = EmbeddedKafkaBroker.freePort();
        httpPorts.add(port);
        List<String> args = new ArrayList<>(List.of(command, "--bootstrap-servers", bootstrapServers(),
                "--registry-url", registry.url(), "--http-port", Integer.toString(port)));
        args.addAll(extra);
        processes.add(BraidProcess.start(List.of("-Xmx384m"), args,
                logDir.resolve(command + "-" + processes.size() + ".log")));
    }

    ProcessCluster cluster() {
        return cluster;
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    String registryUrl() {
        return registry.url();
    }

    JobSubmitter submitter() {
        return new JobSubmitter(bootstrapServers(), new SchemaRegistryClient(registry.url()), Topics.defaults());
    }

    /** The orchestrator's process. */
    Process orchestrator() {
        return processes.get(0);
    }

    /** The orchestrator's operations endpoint ({@code /metrics}, {@code /health/ready}), e.g. http://127.0.0.1:P. */
    URI orchestratorUri() {
        return URI.create("http://127.0.0.1:" + httpPorts.get(0));
    }

    /** The orchestrator's {@code --state-dir}. */
    Path stateDir() {
        return stateDir;
    }

    /** The worker processes. */
    List<Process> workers() {
        return List.copyOf(processes.subList(1, processes.size()));
    }

    /**
     * The broker process of node {@code nodeId}, found among this JVM's children by its command line
     * ({@link ProcessCluster} keeps its processes to itself).
     */
    Optional<ProcessHandle> broker(int nodeId) {
        List<String> tail = cluster.layout().toArgs(nodeId);
        return ProcessHandle.current().children().filter(child -> child.info().arguments().map(List::of)
                .map(args -> {
                    int main = args.indexOf(ClusterNode.class.getName());
                    return main >= 0 && args.subList(main + 1, args.size()).equals(tail);
                }).orElse(false)).findFirst();
    }

    @Override
    public void close() {
        ProcessCluster.stop(processes, Duration.ofSeconds(20));
        registry.close();
        cluster.close();
        removeTemporary(stateDir);
        removeTemporary(cluster.layout().baseDir());
    }

    /** Deletes a directory this fleet created under the temporary directory; one left behind is harmless. */
    private static void removeTemporary(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // leave it
        }
    }
}

package io.braid.cli.chaos;

import io.braid.cli.stack.BraidProcess;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The chaos suite's fleet: {@code braid orchestrator} and {@code braid worker} processes (the commands people run)
 * against a multi-node cluster, each killable with SIGKILL and restartable under the same name (an orchestrator on
 * its own state directory, as a pod would be).
 */
final class ChaosFleet implements AutoCloseable {

    private final String bootstrapServers;
    private final String registryUrl;
    private final Path dir;
    private final Map<String, List<String>> commands = new LinkedHashMap<>();
    private final Map<String, Process> running = new LinkedHashMap<>();

    ChaosFleet(String bootstrapServers, String registryUrl, Path dir, int orchestrators, int workers) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.dir = dir;
        for (int i = 1; i <= orchestrators; i++) {
            String name = "orchestrator-" + i;
            commands.put(name, List.of("orchestrator", "--bootstrap-servers", bootstrapServers, "--registry-url",
                    registryUrl, "--instance-id", name, "--state-dir", dir.resolve(name).toString(),
                    "--partitions", "3", "--http-port", "-1"));
        }
        for (int i = 1; i <= workers; i++) {
            String name = "worker-" + i;
            commands.put(name, List.of("worker", "--bootstrap-servers", bootstrapServers, "--registry-url",
                    registryUrl, "--worker-id", name, "--simulated-latency", "100ms..1200ms",
                    "--max-in-flight", "32", "--branch-timeout", "10s", "--record-lock", "30s"));
        }
    }

    /** Starts every process. */
    void startAll() {
        commands.keySet().forEach(this::start);
    }

    /** The names of the processes of {@code kind} ("orchestrator" or "worker"). */
    List<String> named(String kind) {
        return commands.keySet().stream().filter(name -> name.startsWith(kind + "-")).toList();
    }

    boolean isRunning(String name) {
        Process process = running.get(name);
        return process != null && process.isAlive();
    }

    void start(String name) {
        if (isRunning(name)) {
            throw new IllegalStateException(name + " is running");
        }
        running.put(name, BraidProcess.start(List.of("-Xmx320m"), commands.get(name),
                dir.resolve("logs").resolve(name + ".log")));
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill(String name) throws InterruptedException {
        Process process = running.remove(name);
        if (process == null) {
            throw new IllegalStateException(name + " is not running");
        }
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts every process that is down. */
    void restoreAll() {
        commands.keySet().stream().filter(name -> !isRunning(name)).forEach(this::start);
    }

    List<String> down() {
        return new ArrayList<>(commands.keySet().stream().filter(name -> !isRunning(name)).toList());
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String registryUrl() {
        return registryUrl;
    }

    @Override
    public void close() {
        io.braid.stack.ProcessCluster.stop(running.values(), java.time.Duration.ofSeconds(20));
        running.clear();
    }
}

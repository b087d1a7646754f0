package io.braid.bench.internal;

import io.braid.cli.Main;
import io.braid.cli.stack.LocalFleet;
import io.braid.cli.stack.ProcessGroup;
import io.braid.orchestrator.TopicSetup;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.stack.EmbeddedKafkaBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code braid worker} processes of one measurement, each its own JVM (so its memory and CPU are its own), on a
 * fresh set of topics and a fresh share group of the fleet's broker, with environment variables of their own (an
 * API key variable for a fake provider). {@link #close} stops them all.
 */
final class WorkerProcesses implements AutoCloseable {

    private static final Pattern IN_FLIGHT = Pattern.compile("\"inFlight\":(\\d+)");

    private final List<Process> processes = new ArrayList<>();
    private final List<URI> health = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Topics topics;

    private WorkerProcesses(Topics topics) {
        this.topics = topics;
    }

    /**
     * Creates the topics {@code prefix}… with {@code partitions} task partitions and starts {@code count} workers
     * on them with {@code workerArgs} (besides the connection, topics, group, id and health port),
     * {@code jvmOptions} and {@code env}; their logs go to {@code logDir}/{@code name}-N.log.
     */
    static WorkerProcesses start(LocalFleet fleet, String prefix, int partitions, int count, List<String> jvmOptions,
                                 List<String> workerArgs, Map<String, String> env, Path logDir, String name) {
        Topics topics = new Topics(prefix);
        TopicSetup.ensureTopics(KafkaConnection.plain(fleet.bootstrapServers()), topics, partitions, (short) 1);
        WorkerProcesses workers = new WorkerProcesses(topics);
        try {
            for (int i = 1; i <= count; i++) {
                int port = EmbeddedKafkaBroker.freePort();
                workers.health.add(URI.create("http://127.0.0.1:" + port + "/health/ready"));
                List<String> args = new ArrayList<>(List.of("worker", "--bootstrap-servers", fleet.bootstrapServers(),
                        "--registry-url", fleet.registryUrl(), "--topic-prefix", prefix,
                        "--worker-group", prefix + "workers", "--worker-id", name + "-" + i,
                        "--http-port", Integer.toString(port), "--shutdown-grace", "0s"));
                args.addAll(workerArgs);
                workers.processes.add(start(jvmOptions, args, env, logDir.resolve(name + "-" + i + ".log")));
            }
            return workers;
        } catch (RuntimeException e) {
            workers.close();
            throw e;
        }
    }

    /** As {@link io.braid.cli.stack.BraidProcess#start}, with environment variables added. */
    private static Process start(List<String> jvmOptions, List<String> args, Map<String, String> env, Path log) {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this JVM"));
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + log.getParent(), e);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return ProcessGroup.start(builder).process();
    }

    Topics topics() {
        return topics;
    }

    List<Process> processes() {
        return List.copyOf(processes);
    }

    /** Waits until every worker answers ready, or fails naming where their logs are. */
    WorkerProcesses awaitReady(Duration timeout, Path logDir) {
        Waits.orFail(timeout, () -> processes.stream().allMatch(Process::isAlive)
                        && health.stream().allMatch(uri -> FleetBenchmark.status(http, uri) == 200),
                "the worker processes did not become ready (or one exited); see the logs in " + logDir);
        return this;
    }

    /** Branches in flight in all the workers now, from their health endpoints (0 for one that does not answer). */
    int inFlight() {
        int sum = 0;
        for (URI uri : health) {
            try {
                String body = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher matcher = IN_FLIGHT.matcher(body);
                sum += matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
            } catch (IOException e) {
                // not answering: counts 0
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return sum;
    }

    /** The peak resident set (VmHWM of /proc/PID/status) of a process in bytes, if this system tells. */
    static Optional<Long> peakResidentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Optional.of(Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024);
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A process's CPU time so far, if this system tells. */
    static Optional<Duration> cpuTime(Process process) {
        return process.info().totalCpuDuration();
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}

package io.braid.stack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A multi-node Kafka cluster on this machine, each node a JVM process of its own ({@link ClusterNode}), so that one
 * can be killed (SIGKILL: a crash, not a shutdown) and started again on its data: {@code braid stack --brokers 3}
 * and the chaos tests. Every node is broker and controller; with 3 nodes topics are replicated 3 times with 2 in
 * sync, so one node down loses nothing and stops nothing. Nodes still running when this JVM exits are killed.
 */
public final class ProcessCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final ClusterLayout layout;
    private final Path logDir;
    private final List<String> jvmOptions;
    private final Map<Integer, Process> nodes = new ConcurrentHashMap<>();
    private final Thread reaper = new Thread(this::killAll, "kill-cluster-nodes");

    private ProcessCluster(ClusterLayout layout, Path logDir, List<String> jvmOptions) {
        this.layout = layout;
        this.logDir = logDir;
        this.jvmOptions = List.copyOf(jvmOptions);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts every node of {@code layout} as a process with {@code jvmOptions} (e.g. a heap cap), their output in
     * {@code logDir/node-N.log}, and waits until the cluster has them all as brokers.
     */
    public static ProcessCluster start(ClusterLayout layout, Path logDir, List<String> jvmOptions) {
        ProcessCluster cluster = new ProcessCluster(layout, logDir, jvmOptions);
        try {
            layout.nodeIds().forEach(cluster::launch);
            cluster.awaitBrokers(layout.nodes(), START_TIMEOUT);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public ClusterLayout layout() {
        return layout;
    }

    public String bootstrapServers() {
        return layout.bootstrapServers();
    }

    /** Kills node {@code nodeId} with SIGKILL and waits until it is gone. */
    public void kill(int nodeId) {
        Process process = nodes.remove(nodeId);
        if (process == null) {
            throw new IllegalStateException("node " + nodeId + " is not running");
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts node {@code nodeId} again on its data, and waits until the cluster has it as a broker again. */
    public void restart(int nodeId) {
        if (nodes.containsKey(nodeId)) {
            throw new IllegalStateException("node " + nodeId + " is running");
        }
        long readyBefore = readyLines(nodeId);
        launch(nodeId);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (readyLines(nodeId) == readyBefore) {
            Process process = nodes.get(nodeId);
            if (process == null || !process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster node " + nodeId + " did not start again within "
                        + START_TIMEOUT + "; see " + log(nodeId));
            }
            pause();
        }
    }

    /** How many times node {@code nodeId} said it serves (its log is appended to across restarts). */
    private long readyLines(int nodeId) {
        try (var lines = Files.lines(log(nodeId))) {
            return lines.filter(line -> line.startsWith(ClusterNode.READY)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    public boolean isRunning(int nodeId) {
        Process process = nodes.get(nodeId);
        return process != null && process.isAlive();
    }

    /** The node that leads {@code partition} now, if the cluster says. */
    public Optional<Integer> leaderOf(TopicPartition partition) {
        try (Admin admin = admin()) {
            return Optional.ofNullable(admin.describeTopics(List.of(partition.topic())).allTopicNames()
                            .get(10, TimeUnit.SECONDS).get(partition.topic()))
                    .map(topic -> topic.partitions().get(partition.partition()).leader())
                    .filter(leader -> leader != null && !leader.isEmpty()).map(org.apache.kafka.common.Node::id);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Waits until the cluster reports {@code count} live brokers. */
    public void awaitBrokers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            for (Map.Entry<Integer, Process> node : nodes.entrySet()) {
                if (!node.getValue().isAlive()) {
                    throw new IllegalStateException("cluster node " + node.getKey() + " exited with "
                            + node.getValue().exitValue() + "; see " + log(node.getKey()));
                }
            }
            try (Admin admin = admin()) {
                int live = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (live >= count) {
                    return;
                }
                last = live + " live";
            } catch (Exception e) {
                last = e.toString();
            }
            pause();
        }
        throw new IllegalStateException("the cluster did not have " + count + " brokers within " + timeout
                + " (" + last + "); see the logs in " + logDir);
    }

    private void launch(int nodeId) {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this JVM"));
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNode.class.getName()));
        command.addAll(layout.toArgs(nodeId));
        try {
            Files.createDirectories(logDir);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(nodeId).toFile())).start();
            nodes.put(nodeId, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start cluster node " + nodeId + ": " + e.getMessage(), e);
        }
    }

    private Path log(int nodeId) {
        return logDir.resolve("node-" + nodeId + ".log");
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, layout.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000));
    }

    private static void pause() {
        try {
            Thread.sleep(200); // polling a process's readiness, not waiting for a test condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the cluster started", e);
        }
    }

    private void killAll() {
        nodes.values().forEach(Process::destroyForcibly);
        nodes.clear();
    }

    /** Stops every node (SIGTERM, then SIGKILL after 20 s); the data stays in the layout's directory. */
    @Override
    public void close() {
        stop(nodes.values(), Duration.ofSeconds(20));
        nodes.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already
        }
    }

    /** Stops {@code processes}: SIGTERM to all, then SIGKILL to those still running after {@code grace}. */
    public static void stop(java.util.Collection<Process> processes, Duration grace) {
        processes.forEach(Process::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Process process : processes) {
            try {
                if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}

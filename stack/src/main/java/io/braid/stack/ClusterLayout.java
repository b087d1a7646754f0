package io.braid.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Where the nodes of a multi-node Kafka cluster on this machine listen and keep their data: node {@code n} (from 1)
 * is a combined broker and KRaft controller with its client port, its controller port and its data directory
 * {@code baseDir/node-n}. Every node is a voter of the controller quorum; the cluster id is kept in
 * {@code baseDir/cluster.id}, so a node restarted on the same layout rejoins its cluster.
 *
 * @param baseDir         the cluster's directory
 * @param clusterId       the id every node's storage is formatted with
 * @param brokerPorts     client port of node 1, 2, ... on 127.0.0.1
 * @param controllerPorts controller port of node 1, 2, ... on 127.0.0.1
 */
public record ClusterLayout(Path baseDir, String clusterId, List<Integer> brokerPorts, List<Integer> controllerPorts) {

    /** The most nodes a local cluster may have. */
    public static final int MAX_NODES = 9;
    /** How far above its client port a node's controller port is when the client ports are fixed. */
    public static final int CONTROLLER_PORT_OFFSET = 1000;

    public ClusterLayout {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(clusterId, "clusterId");
        brokerPorts = List.copyOf(brokerPorts);
        controllerPorts = List.copyOf(controllerPorts);
        if (brokerPorts.isEmpty() || brokerPorts.size() > MAX_NODES || brokerPorts.size() != controllerPorts.size()) {
            throw new IllegalArgumentException("a local cluster has 1 to " + MAX_NODES + " nodes, each with a client "
                    + "and a controller port; got " + brokerPorts + " and " + controllerPorts);
        }
    }

    /**
     * The layout of {@code nodes} nodes under {@code baseDir}: client ports {@code firstPort}, {@code firstPort + 1},
     * ... and controller ports {@value #CONTROLLER_PORT_OFFSET} above them, or free ports when {@code firstPort} is
     * 0 — below the system's ephemeral range, so that no client connection takes a killed node's port before it
     * restarts. The cluster id is read from {@code baseDir/cluster.id}, or made and written there.
     */
    public static ClusterLayout create(Path baseDir, int nodes, int firstPort) {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--brokers " + nodes + " is out of range; use 1 to " + MAX_NODES);
        }
        if (firstPort != 0 && (firstPort < 1 || firstPort + nodes - 1 + CONTROLLER_PORT_OFFSET > 65535)) {
            throw new IllegalArgumentException("port " + firstPort + " leaves no room for " + nodes + " brokers and "
                    + "their controller ports (" + CONTROLLER_PORT_OFFSET + " above); use 1 to "
                    + (65535 - CONTROLLER_PORT_OFFSET - nodes + 1) + ", or 0 for free ports");
        }
        List<Integer> brokers = new ArrayList<>();
        List<Integer> controllers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            brokers.add(firstPort == 0 ? LocalPorts.freeOutsideEphemeral(brokers, controllers) : firstPort + i);
            controllers.add(firstPort == 0 ? LocalPorts.freeOutsideEphemeral(brokers, controllers)
                    : firstPort + i + CONTROLLER_PORT_OFFSET);
        }
        return new ClusterLayout(baseDir, clusterId(baseDir), brokers, controllers);
    }

    private static String clusterId(Path baseDir) {
        Path file = baseDir.resolve("cluster.id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            Files.createDirectories(baseDir);
            String id = org.apache.kafka.common.Uuid.randomUuid().toString();
            Files.writeString(file, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the cluster id in " + file, e);
        }
    }

    public int nodes() {
        return brokerPorts.size();
    }

    /** The node ids, 1 to {@link #nodes()}. */
    public List<Integer> nodeIds() {
        return IntStream.rangeClosed(1, nodes()).boxed().toList();
    }

    /** Every node's client address: what clients bootstrap from. */
    public String bootstrapServers() {
        return brokerPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** {@code controller.quorum.voters}: every node. */
    public String voters() {
        return nodeIds().stream().map(id -> id + "@127.0.0.1:" + controllerPort(id)).collect(Collectors.joining(","));
    }

    public int brokerPort(int nodeId) {
        return brokerPorts.get(index(nodeId));
    }

    public int controllerPort(int nodeId) {
        return controllerPorts.get(index(nodeId));
    }

    public Path dataDir(int nodeId) {
        index(nodeId);
        return baseDir.resolve("node-" + nodeId);
    }

    /** The replication factor of internal and default topics: 3, or fewer nodes. */
    public int replicationFactor() {
        return Math.min(3, nodes());
    }

    /** {@code min.insync.replicas}: a majority of the replicas (2 of 3). */
    public int minInSyncReplicas() {
        return replicationFactor() / 2 + 1;
    }

    /** The command-line form {@link ClusterNode#main} reads back with {@link #parse}. */
    public List<String> toArgs(int nodeId) {
        index(nodeId);
        return List.of(Integer.toString(nodeId), baseDir.toAbsolutePath().toString(), clusterId,
                brokerPorts.stream().map(String::valueOf).collect(Collectors.joining(",")),
                controllerPorts.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }

    /** Reads {@link #toArgs} back (without the node id, its first element). */
    static ClusterLayout parse(List<String> args) {
        if (args.size() != 4) {
            throw new IllegalArgumentException("expected BASE_DIR CLUSTER_ID BROKER_PORTS CONTROLLER_PORTS, got " + args);
        }
        return new ClusterLayout(Path.of(args.get(0)), args.get(1), ports(args.get(2)), ports(args.get(3)));
    }

    private static List<Integer> ports(String list) {
        return java.util.Arrays.stream(list.split(",")).map(String::strip).map(Integer::valueOf).toList();
    }

    private int index(int nodeId) {
        if (nodeId < 1 || nodeId > nodes()) {
            throw new IllegalArgumentException("node " + nodeId + " is not in this cluster of " + nodes() + " nodes");
        }
        return nodeId - 1;
    }
}

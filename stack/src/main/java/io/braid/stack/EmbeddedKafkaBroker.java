package io.braid.stack;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A single-node Kafka cluster (combined broker and KRaft controller) in this JVM, started from Kafka's own server
 * classes: the log directory is formatted once at the latest production metadata version (share groups on), and
 * reused on later starts, so topics and data survive a restart.
 *
 * <p>Used by the embedded default ({@code braid demo}, {@code braid stack}) and as the real broker of the tests.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Settings of the embedded broker.
     *
     * @param dataDir        log directory; formatted on first use, reused after
     * @param port           client port on 127.0.0.1; 0 picks a free one
     * @param overrides      extra broker settings (e.g. share-group heartbeat intervals for tests)
     * @param secured        a SASL_SSL client listener instead of plain text; null for plain text
     */
    public record Options(Path dataDir, int port, Map<String, String> overrides, SecuredListener secured) {
        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            overrides = Map.copyOf(overrides);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("broker port " + port + " is out of range 0-65535 (0 = any free port)");
            }
        }

        /** A plain-text broker. */
        public Options(Path dataDir, int port, Map<String, String> overrides) {
            this(dataDir, port, overrides, null);
        }
    }

    public static EmbeddedKafkaBroker start(Options options) {
        int brokerPort = options.port() == 0 ? freePort() : options.port();
        int controllerPort = freePort();
        Map<String, String> props = brokerProperties(options.dataDir(), brokerPort, controllerPort);
        if (options.secured() != null) {
            props.putAll(options.secured().brokerProperties(brokerPort, freePort(), controllerPort));
        }
        props.putAll(options.overrides());
        formatIfNeeded(options.dataDir(), NODE_ID, Uuid.randomUuid().toString());
        return startServer(props, brokerPort, options.dataDir(), "127.0.0.1:" + brokerPort);
    }

    /**
     * Starts node {@code nodeId} of a multi-node cluster in this JVM (a combined broker and controller, every node a
     * voter): internal and new topics replicated {@link ClusterLayout#replicationFactor()} times with
     * {@link ClusterLayout#minInSyncReplicas()} in sync, so the cluster keeps working with one node down.
     */
    public static EmbeddedKafkaBroker startNode(ClusterLayout layout, int nodeId, Map<String, String> overrides) {
        Path dataDir = layout.dataDir(nodeId);
        int brokerPort = layout.brokerPort(nodeId);
        Map<String, String> props = brokerProperties(dataDir, brokerPort, layout.controllerPort(nodeId));
        props.put("node.id", String.valueOf(nodeId));
        props.put("controller.quorum.voters", layout.voters());
        String replicas = String.valueOf(layout.replicationFactor());
        String inSync = String.valueOf(layout.minInSyncReplicas());
        props.put("default.replication.factor", replicas);
        props.put("min.insync.replicas", inSync);
        props.put("offsets.topic.replication.factor", replicas);
        props.put("transaction.state.log.replication.factor", replicas);
        props.put("transaction.state.log.min.isr", inSync);
        props.put("share.coordinator.state.topic.replication.factor", replicas);
        props.put("share.coordinator.state.topic.min.isr", inSync);
        props.putAll(overrides);
        formatIfNeeded(dataDir, nodeId, layout.clusterId());
        return startServer(props, brokerPort, dataDir, layout.bootstrapServers());
    }

    private static EmbeddedKafkaBroker startServer(Map<String, String> props, int brokerPort, Path dataDir,
                                                   String bootstrapServers) {
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw new IllegalStateException("the embedded Kafka broker did not start on 127.0.0.1:" + brokerPort
                    + " (" + e.getMessage() + "); is another broker using that port or data directory "
                    + dataDir + "?", e);
        }
        return new EmbeddedKafkaBroker(server, bootstrapServers);
    }

    /** The broker settings: one combined node, internal topics with replication factor 1 and few partitions. */
    static Map<String, String> brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", "5");
        props.put("group.initial.rebalance.delay.ms", "0");
        // A share group's first delivery waits for a heartbeat: keep it short on a single machine.
        props.put("group.share.min.heartbeat.interval.ms", "100");
        props.put("group.share.heartbeat.interval.ms", "500");
        // Allow short record locks (tests of lock renewal) and long ones (the group's own lock is set by Braid).
        props.put("group.share.min.record.lock.duration.ms", "1000");
        props.put("group.share.max.record.lock.duration.ms", "3600000");
        props.put("log.flush.interval.messages", "9223372036854775807");
        return props;
    }

    private static void formatIfNeeded(Path dataDir, int nodeId, String clusterId) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
            new Formatter()
                    .setPrintStream(new PrintStream(formatterOutput, true))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .addDirectory(dataDir.toAbsolutePath().toString())
                    .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setFeatureLevel("share.version", (short) 1)
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker data directory " + dataDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the broker data directory " + dataDir + ": "
                    + e.getMessage(), e);
        }
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}

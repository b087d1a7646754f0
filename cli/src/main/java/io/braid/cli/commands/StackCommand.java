package io.braid.cli.commands;

import io.braid.registry.EmbeddedSchemaRegistry;
import io.braid.registry.RegistryOptions;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.stack.ClusterLayout;
import io.braid.stack.EmbeddedStack;
import io.braid.stack.ProcessCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code braid stack}: the embedded Kafka broker and schema registry as a long-running process. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"Runs the embedded Kafka broker and schema registry in the foreground until Ctrl-C, so "
                + "'braid orchestrator', 'braid worker' and any Kafka client can use them.",
                "Data is kept in --data-dir across restarts.",
                "--brokers 3 runs a cluster of three broker processes (each also a KRaft controller) on ports --port, "
                        + "--port + 1, --port + 2: topics replicated 3 times, 2 in sync, so any one can be killed."})
public final class StackCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "${env:BRAID_DATA_DIR:-.braid/kafka}",
            description = "Broker data directory (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port", defaultValue = "9092", description = "Kafka port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--registry-port", defaultValue = "8081",
            description = "Schema registry port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int registryPort;

    @Option(names = "--brokers", defaultValue = "1",
            description = "Kafka brokers: 1 in this process, or 2 to 9 processes of their own (default: "
                    + "${DEFAULT-VALUE})")
    int brokers;

    @Override
    public Integer call() {
        if (brokers != 1) {
            return runCluster();
        }
        EmbeddedStack stack = EmbeddedStack.start(dataDir, port, registryPort);
        System.out.printf("Kafka on %s, schema registry on %s (data in %s). Ctrl-C to stop.%n",
                stack.bootstrapServers(), stack.registryUrl(), dataDir.toAbsolutePath());
        Foreground.runUntilStopped(stack);
        return 0;
    }

    private Integer runCluster() {
        ClusterLayout layout = ClusterLayout.create(dataDir, brokers, port);
        ProcessCluster cluster = ProcessCluster.start(layout, dataDir.resolve("logs"), java.util.List.of());
        EmbeddedSchemaRegistry registry;
        try {
            registry = EmbeddedSchemaRegistry.start(RegistryOptions.defaults(
                    KafkaConnection.plain(cluster.bootstrapServers())).withPort(registryPort));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        System.out.printf("Kafka cluster of %d brokers on %s (replication factor %d, min in sync %d; data and logs "
                        + "in %s), schema registry on %s. Ctrl-C to stop.%n", brokers, cluster.bootstrapServers(),
                layout.replicationFactor(), layout.minInSyncReplicas(), dataDir.toAbsolutePath(), registry.url());
        Foreground.runUntilStopped(() -> {
            registry.close();
            cluster.close();
        });
        return 0;
    }
}

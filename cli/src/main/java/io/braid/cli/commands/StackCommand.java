package io.braid.cli.commands;

import io.braid.stack.EmbeddedStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code braid stack}: the embedded Kafka broker and schema registry as a long-running process. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"Runs the embedded Kafka broker and schema registry in the foreground until Ctrl-C, so "
                + "'braid orchestrator', 'braid worker' and any Kafka client can use them.",
                "Data is kept in --data-dir across restarts."})
public final class StackCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "${env:BRAID_DATA_DIR:-.braid/kafka}",
            description = "Broker data directory (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port", defaultValue = "9092", description = "Kafka port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--registry-port", defaultValue = "8081",
            description = "Schema registry port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int registryPort;

    @Override
    public Integer call() {
        EmbeddedStack stack = EmbeddedStack.start(dataDir, port, registryPort);
        System.out.printf("Kafka on %s, schema registry on %s (data in %s). Ctrl-C to stop.%n",
                stack.bootstrapServers(), stack.registryUrl(), dataDir.toAbsolutePath());
        Foreground.runUntilStopped(stack);
        return 0;
    }
}

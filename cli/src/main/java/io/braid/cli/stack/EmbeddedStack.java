package io.braid.cli.stack;

import io.braid.registry.EmbeddedSchemaRegistry;
import io.braid.registry.RegistryOptions;
import io.braid.broker.EmbeddedKafkaBroker;

import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded default's infrastructure: a Kafka broker and the schema registry, both on loopback in this JVM.
 */
public final class EmbeddedStack implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    private EmbeddedStack(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /**
     * Starts the broker, then the registry on top of it.
     *
     * @param dataDir      the broker's data directory (kept across starts)
     * @param brokerPort   client port of the broker, 0 for any free port
     * @param registryPort HTTP port of the registry, 0 for any free port
     */
    public static EmbeddedStack start(Path dataDir, int brokerPort, int registryPort) {
        return start(new EmbeddedKafkaBroker.Options(dataDir, brokerPort, Map.of()), registryPort);
    }

    public static EmbeddedStack start(EmbeddedKafkaBroker.Options brokerOptions, int registryPort) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerOptions);
        try {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                    RegistryOptions.defaults(broker.bootstrapServers()).withPort(registryPort));
            return new EmbeddedStack(broker, registry);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}

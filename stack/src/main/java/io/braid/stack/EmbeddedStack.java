package io.braid.stack;

import io.braid.registry.EmbeddedSchemaRegistry;
import io.braid.registry.RegistryOptions;
import io.braid.schema.kafka.KafkaConnection;

import java.nio.file.Path;
import java.util.Map;

/**
 * A Kafka broker and the schema registry, both on loopback in this JVM: the infrastructure of the embedded default
 * ({@code braid stack}, {@code braid demo}, the in-process fleet) and of the tests ({@code TestKafka},
 * {@code SecureTestKafka} in test-support).
 *
 * <p>On a plain-text broker {@link #start} starts both. A secured broker (with a {@link SecuredListener}) wants a
 * login before the registry can keep its schemas there: {@link #startBroker} starts the broker alone, and
 * {@link #startRegistry} the registry once a user can log in (e.g. after the test gave it its ACLs).
 */
public final class EmbeddedStack implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;

    private EmbeddedStack(EmbeddedKafkaBroker broker) {
        this.broker = broker;
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

    /**
     * Starts a plain-text broker with {@code brokerOptions} (e.g. extra broker settings), then the registry on top
     * of it; when the registry does not start, the broker is stopped again.
     *
     * @throws IllegalArgumentException for a secured broker: use {@link #startBroker} and {@link #startRegistry}
     */
    public static EmbeddedStack start(EmbeddedKafkaBroker.Options brokerOptions, int registryPort) {
        if (brokerOptions.secured() != null) {
            throw new IllegalArgumentException("a secured broker needs a login for the registry: start it with "
                    + "startBroker, then startRegistry with a user's KafkaConnection");
        }
        EmbeddedStack stack = startBroker(brokerOptions);
        try {
            stack.startRegistry(KafkaConnection.plain(stack.bootstrapServers()), registryPort);
            return stack;
        } catch (RuntimeException e) {
            stack.broker.close();
            throw e;
        }
    }

    /** Starts the broker alone; {@link #startRegistry} adds the registry. */
    public static EmbeddedStack startBroker(EmbeddedKafkaBroker.Options brokerOptions) {
        return new EmbeddedStack(EmbeddedKafkaBroker.start(brokerOptions));
    }

    /**
     * Starts the registry with its store on this broker, connected as {@code login} (the client properties of a
     * secured broker's user).
     *
     * @param port HTTP port of the registry, 0 for any free port
     * @return the registry's URL
     * @throws IllegalStateException when the registry already runs
     */
    public String startRegistry(KafkaConnection login, int port) {
        if (registry != null) {
            throw new IllegalStateException("the registry already runs at " + registry.url());
        }
        registry = EmbeddedSchemaRegistry.start(RegistryOptions.defaults(login).withPort(port));
        return registry.url();
    }

    /** The broker's {@code host:port}, for clients. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * The registry's base URL.
     *
     * @throws IllegalStateException when the registry was not started ({@link #startBroker} without
     *                               {@link #startRegistry})
     */
    public String registryUrl() {
        if (registry == null) {
            throw new IllegalStateException("the registry is not started: call startRegistry first");
        }
        return registry.url();
    }

    /** Stops the registry (if started), then the broker; the data directory stays. */
    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
        broker.close();
    }
}

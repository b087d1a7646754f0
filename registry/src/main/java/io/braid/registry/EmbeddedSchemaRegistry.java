package io.braid.registry;

import com.sun.net.httpserver.HttpServer;
import io.braid.registry.internal.RegistryHttpHandler;
import io.braid.registry.internal.SchemaStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A schema registry serving the Confluent Schema Registry REST API over HTTP, storing schemas in a compacted
 * Kafka topic, so that every process on the machine shares one set of ids and a restart keeps them.
 *
 * <p>This is the registry of the embedded default and of tests; production can use Confluent Schema Registry,
 * Apicurio (ccompat API) or Karapace instead, since Braid's clients speak the same API.
 * It is meant to run as a single instance per store topic.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private final SchemaStore store;
    private final HttpServer server;
    private final ExecutorService executor;

    private EmbeddedSchemaRegistry(SchemaStore store, HttpServer server, ExecutorService executor) {
        this.store = store;
        this.server = server;
        this.executor = executor;
    }

    /** Loads the stored schemas and starts serving; returns once the HTTP port is bound. */
    public static EmbeddedSchemaRegistry start(RegistryOptions options) {
        SchemaStore store = SchemaStore.open(options.kafka(), options.storeTopic());
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException("cannot listen on " + options.host() + ":" + options.port()
                    + " for the schema registry (" + e.getMessage() + "); is another registry running there?", e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", new RegistryHttpHandler(store));
        server.start();
        return new EmbeddedSchemaRegistry(store, server, executor);
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        store.close();
    }
}

package io.braid.orchestrator.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.braid.orchestrator.aggregate.AggregatorTopology;
import io.braid.schema.JobJoinState;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * {@code GET /jobs/{jobId}}: a job's status from the aggregator's state store (Kafka Streams interactive
 * queries). Whichever orchestrator instance is asked answers: when another instance owns the job's partition,
 * the request is forwarded to it (its {@code application.server}) and its answer relayed. 404 when no
 * orchestrator holds the job (never seen, or finished longer ago than the retention); 503 while the aggregator
 * rebalances or restores — ask again.
 */
public final class JobStatusServer implements AutoCloseable {

    private static final String PREFIX = "/jobs/";
    private static final String FORWARDED = "forwarded=1";

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String instanceId;
    private volatile KafkaStreams streams;
    private volatile HostInfo self;

    private JobStatusServer(HttpServer server, String instanceId) {
        this.server = server;
        this.instanceId = instanceId;
    }

    /** Binds the port now (0 = any free one), so the aggregator can advertise it; serves once attached. */
    public static JobStatusServer bind(int port, String instanceId) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
            JobStatusServer status = new JobStatusServer(server, instanceId);
            server.createContext(PREFIX, status::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve job status on port " + port + ": " + e.getMessage()
                    + "; choose another with --http-port", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts answering for {@code streams}, whose {@code application.server} is {@code self}. */
    public void attach(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, error("use GET /jobs/{jobId}"));
                return;
            }
            String rawId = exchange.getRequestURI().getRawPath().substring(PREFIX.length());
            if (rawId.isBlank() || rawId.contains("/")) {
                respond(exchange, 400, error("ask for GET /jobs/{jobId}, the id URL-encoded (a child job's '/' as "
                        + "%2F)"));
                return;
            }
            String jobId = URLDecoder.decode(rawId, StandardCharsets.UTF_8);
            boolean forwarded = FORWARDED.equals(exchange.getRequestURI().getRawQuery());
            Answer answer = answer(jobId, forwarded);
            respond(exchange, answer.status(), answer.body());
        }
    }

    private record Answer(int status, String body) {
    }

    private Answer answer(String jobId, boolean forwarded) {
        KeyQueryMetadata owner = streams.queryMetadataForKey(AggregatorTopology.STORE_NAME, jobId,
                Serdes.String().serializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Answer(503, error("the aggregator is rebalancing or restoring; ask again shortly"));
        }
        HostInfo active = owner.activeHost();
        if (!active.equals(self) && !forwarded) {
            return forward(active, jobId);
        }
        try {
            ReadOnlyKeyValueStore<String, JobJoinState> store = streams.store(StoreQueryParameters.fromNameAndType(
                    AggregatorTopology.STORE_NAME, QueryableStoreTypes.<String, JobJoinState>keyValueStore()));
            JobJoinState state = store.get(jobId);
            if (state == null) {
                return new Answer(404, error("no job '" + jobId + "' here: never submitted, not dispatched yet, or "
                        + "finished longer ago than the retention (its result stays on the job-results topic)"));
            }
            return new Answer(200, JobStatusView.json(state, instanceId));
        } catch (InvalidStateStoreException e) {
            return new Answer(503, error("the aggregator's store is not ready (" + e.getMessage()
                    + "); ask again shortly"));
        }
    }

    private Answer forward(HostInfo owner, String jobId) {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + PREFIX
                + URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20") + "?" + FORWARDED);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(502, error("the orchestrator holding this job, " + owner.host() + ":" + owner.port()
                    + ", did not answer: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, error("interrupted"));
        }
    }

    private static String error(String message) {
        return "{\"error\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(message) + "}";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

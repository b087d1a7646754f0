package io.braid.worker.internal.observe;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.braid.schema.http.HttpReplies;
import io.braid.worker.WorkerHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The worker's HTTP endpoint for orchestration platforms and scrapers:
 * <ul>
 *   <li>{@code GET /health/live} — 200 while the worker's consumer loops are alive, 503 when one died (restart me);</li>
 *   <li>{@code GET /health/ready} — 200 once every consumer has joined the share group and while the worker takes
 *       work, 503 before that, while it drains on shutdown, and while a problem is reported (its {@code problem}
 *       says which: a loop that stopped, the schema registry unreachable). Consumers refused by a full share group
 *       do not count against it while one joined: 200, with {@code problem} saying why;</li>
 *   <li>{@code GET /metrics} — Prometheus text format; with a {@link ReadToken}, only for
 *       {@code Authorization: Bearer <token>} (401 otherwise).</li>
 * </ul>
 * It listens on the address given ({@code --http-bind}, loopback unless set; containers bind 0.0.0.0).
 */
public final class WorkerHttpServer implements AutoCloseable {

    /** {@code health} as the health endpoints answer it. */
    static String json(WorkerHealth health) {
        return "{\"live\":" + health.live() + ",\"ready\":" + health.ready() + ",\"state\":\"" + health.state()
                + "\",\"inFlight\":" + health.inFlight() + ",\"maxInFlight\":" + health.maxInFlight()
                + (health.problem() == null ? "" : ",\"problem\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(health.problem())) + "\"") + "}";
    }

    private final HttpServer server;

    private WorkerHttpServer(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code port} of loopback, metrics open: for tests and local runs. */
    public static WorkerHttpServer start(int port, PrometheusMeterRegistry registry, Supplier<WorkerHealth> health) {
        return start("127.0.0.1", port, null, registry, health);
    }

    /** Serves on {@code bind}:{@code port}; {@code metricsToken} null leaves /metrics open. */
    public static WorkerHttpServer start(String bind, int port, ReadToken metricsToken,
                                         PrometheusMeterRegistry registry, Supplier<WorkerHealth> health) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve health and metrics on " + bind + ":" + port + ": "
                    + e.getMessage() + "; choose another with --http-bind / --http-port", e);
        }
        server.createContext("/health/live", exchange -> {
            WorkerHealth now = health.get();
            respond(exchange, now.live() ? 200 : 503, "application/json", json(now));
        });
        server.createContext("/health/ready", exchange -> {
            WorkerHealth now = health.get();
            respond(exchange, now.ready() ? 200 : 503, "application/json", json(now));
        });
        server.createContext("/metrics", exchange -> {
            if (metricsToken != null && !metricsToken.admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"braid\"");
                respond(exchange, 401, "text/plain; charset=utf-8", "send 'Authorization: Bearer <token>' with the "
                        + "worker's read token (BRAID_API_READ_TOKEN)\n");
                return;
            }
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return new WorkerHttpServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                HttpReplies.send(exchange, 405, "text/plain; charset=utf-8", "use GET\n");
                return;
            }
            HttpReplies.send(exchange, status, contentType, body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

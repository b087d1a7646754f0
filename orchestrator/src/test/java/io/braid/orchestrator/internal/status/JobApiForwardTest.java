package io.braid.orchestrator.internal.status;

import com.sun.net.httpserver.HttpServer;
import io.braid.orchestrator.ApiTokens;
import io.braid.orchestrator.internal.aggregate.FixedJoin;
import io.braid.schema.http.HttpReplies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /jobs/{id}} for a job another instance holds, against a real peer over HTTP: its answer relayed from a
 * request marked forwarded; an oversized answer and a redirect each answered 502 naming why; a request marked
 * forwarded by the caller (forged) answered 503, never forwarded again.
 */
class JobApiForwardTest {

    private static final String TOKEN = "read-secret-1";
    private static final int MAX_BYTES = 64 * 1024;

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<String> asked = new AtomicReference<>();
    private final AtomicReference<String> reply = new AtomicReference<>("{\"jobId\":\"j\",\"status\":\"RUNNING\"}");
    private final AtomicReference<Integer> replyStatus = new AtomicReference<>(200);
    private HttpServer peer;
    private JobStatusServer server;

    @BeforeEach
    void start() throws Exception {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/", exchange -> {
            try (exchange) {
                asked.set(exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
                if (replyStatus.get() == 302) {
                    exchange.getResponseHeaders().set("Location", "/elsewhere");
                    exchange.sendResponseHeaders(302, -1);
                    return;
                }
                HttpReplies.send(exchange, replyStatus.get(), "application/json", reply.get());
            }
        });
        peer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        peer.start();
        int peerPort = peer.getAddress().getPort();
        server = JobStatusServer.bind("127.0.0.1", 0, ApiTokens.none().with("dash", ApiTokens.Scope.READ, TOKEN),
                "test", control -> { }, new PeerClient(Duration.ofSeconds(2), MAX_BYTES));
        server.attach(FixedJoin.elsewhere("127.0.0.1", peerPort));
    }

    @AfterEach
    void stop() {
        server.close();
        peer.stop(0);
        http.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void the_holders_answer_is_relayed_from_a_request_marked_forwarded_with_the_callers_token() throws Exception {
        HttpResponse<String> response = get("/jobs/j");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(reply.get());
        assertThat(asked.get()).isEqualTo("/jobs/j?forwarded=1 Bearer " + TOKEN);
    }

    @Test
    void an_answer_over_the_byte_limit_is_dropped_naming_the_limit() throws Exception {
        reply.set("\"" + "x".repeat(MAX_BYTES) + "\"");

        HttpResponse<String> response = get("/jobs/j");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("more than " + MAX_BYTES + " bytes (--max-forward-bytes)");
    }

    @Test
    void a_redirect_is_answered_502_and_not_followed() throws Exception {
        replyStatus.set(302);

        HttpResponse<String> response = get("/jobs/j");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("redirect (302)");
        assertThat(asked.get()).startsWith("/jobs/j?forwarded=1");
    }

    @Test
    void a_forged_forwarded_mark_is_answered_503_without_asking_the_holder() throws Exception {
        HttpResponse<String> response = get("/jobs/j?forwarded=1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("came forwarded", "without forwarded=1");
        assertThat(asked.get()).isNull();
    }
}

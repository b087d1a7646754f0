package io.braid.schema.registry;

import com.sun.net.httpserver.HttpServer;
import io.braid.schema.JobRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry client against a scripted HTTP server: bounded retries with recorded (not slept) pauses, client
 * errors, answers that are not a registry's, basic authentication.
 */
class SchemaRegistryClientTest {

    private HttpServer server;
    private final List<Duration> pauses = new ArrayList<>();

    /** A client whose retry pauses are recorded instead of slept. */
    private SchemaRegistryClient client(String url) {
        return new SchemaRegistryClient(url, RegistryClientOptions.defaults()
                .withRetryPause(Duration.ofMillis(100), pauses::add));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A server answering each call with the next of {@code statuses} (then 200 with id 7). */
    private String serve(List<String> authorizations, int... statuses) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            int call = calls.getAndIncrement();
            int status = call < statuses.length ? statuses[call] : 200;
            byte[] body = (status == 200 ? "{\"id\": 7}" : "{\"error_code\": " + status + "01, \"message\": \"status "
                    + status + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void server_errors_are_retried_and_the_call_succeeds() throws Exception {
        List<String> calls = new ArrayList<>();
        SchemaRegistryClient client = client("http://" + serve(calls, 503, 429));

        assertThat(client.register("braid.jobs-value", JobRequest.getClassSchema())).isEqualTo(7);
        assertThat(calls).hasSize(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void server_errors_past_the_attempts_are_answered_as_retriable() throws Exception {
        List<String> calls = new ArrayList<>();
        SchemaRegistryClient client = client("http://" + serve(calls, 500, 502, 503, 504));

        assertThatThrownBy(() -> client.register("braid.jobs-value", JobRequest.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.retriable()).isTrue();
                });
        assertThat(calls).hasSize(RegistryClientOptions.DEFAULT_ATTEMPTS);
        assertThat(pauses).hasSize(RegistryClientOptions.DEFAULT_ATTEMPTS - 1);
    }

    @Test
    void an_answer_without_an_id_is_not_taken_for_id_zero() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "<html>not a registry</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        SchemaRegistryClient client = client("http://127.0.0.1:" + server.getAddress().getPort());

        assertThatThrownBy(() -> client.register("braid.jobs-value", JobRequest.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.retriable()).isTrue())
                .hasMessageContaining("without a valid id and schema");
    }

    @Test
    void options_that_would_retry_without_end_are_refused() {
        assertThatThrownBy(() -> RegistryClientOptions.defaults().withAttempts(RegistryClientOptions.MAX_ATTEMPTS + 1))
                .hasMessage("registry attempts 11 must be between 1 and 10");
        assertThatThrownBy(() -> RegistryClientOptions.defaults().withRequestTimeout(Duration.ZERO))
                .hasMessageContaining("must be positive");
    }

    @Test
    void a_client_error_is_not_retried() throws Exception {
        List<String> calls = new ArrayList<>();
        SchemaRegistryClient client = client("http://" + serve(calls, 422));

        assertThatThrownBy(() -> client.register("braid.jobs-value", JobRequest.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("status 422");
                });
        assertThat(calls).hasSize(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void user_info_in_the_url_becomes_basic_authentication_and_stays_out_of_messages() throws Exception {
        List<String> calls = new ArrayList<>();
        SchemaRegistryClient client = client("http://ada:s%40cret@" + serve(calls, 401, 401, 401));

        assertThatThrownBy(() -> client.register("braid.jobs-value", JobRequest.getClassSchema()))
                .hasMessageNotContaining("cret");
        assertThat(calls).hasSize(1).containsOnly("Basic " + Base64.getEncoder()
                .encodeToString("ada:s@cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(client.baseUrl()).doesNotContain("ada");
    }
}

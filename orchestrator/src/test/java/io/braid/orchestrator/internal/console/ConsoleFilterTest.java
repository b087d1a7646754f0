package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.braid.schema.http.HttpReplies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every console reply carries the security headers, and what the console never takes (another method, a body, an
 * overlong target), the port's unknown paths and a handler's failure are answered as JSON errors, on a real server.
 */
class ConsoleFilterTest {

    private static final int NAME_CHARS = 32;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ConsoleFilter filter = new ConsoleFilter(NAME_CHARS);
        server.createContext("/console", exchange -> { // the filter closes the exchange, as for the console
            if (exchange.getRequestURI().getPath().endsWith("/boom")) {
                throw new IllegalStateException("boom");
            }
            HttpReplies.send(exchange, 200, "application/json", "{}");
        }).getFilters().add(filter);
        server.createContext("/", ConsoleFilter.unknownPaths()).getFilters().add(filter);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        http.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
    }

    private static String error(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode json = JobEntry.JSON.readTree(response.body());
        return json.get("error").asText();
    }

    private static void secured(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Security-Policy")).contains(ConsoleFilter.CSP);
        assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    }

    @Test
    void a_page_passes_with_the_security_headers() throws Exception {
        HttpResponse<String> page = send(at("/console/api/jobs"));
        assertThat(page.statusCode()).isEqualTo(200);
        secured(page);
    }

    @Test
    void another_method_a_body_and_an_overlong_target_are_refused_as_json_naming_the_limit() throws Exception {
        HttpResponse<String> post = send(at("/console/api/jobs").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(error(post)).contains("GET only", "POST /jobs/{jobId}/replay");
        secured(post);

        HttpResponse<String> body = send(at("/console/api/jobs").method("GET",
                HttpRequest.BodyPublishers.ofString("x")));
        assertThat(body.statusCode()).isEqualTo(413);
        assertThat(error(body)).contains("no body");

        int max = 16 * NAME_CHARS + 1_024;
        HttpResponse<String> tooLong = send(at("/console/api/jobs?q=" + "a".repeat(max)));
        assertThat(tooLong.statusCode()).isEqualTo(414);
        assertThat(error(tooLong)).contains("limit of " + max, "--console-max-name-chars");
        secured(tooLong);
    }

    @Test
    void the_root_leads_to_the_console_and_an_unknown_path_is_a_json_404() throws Exception {
        HttpResponse<String> root = send(at("/"));
        assertThat(root.statusCode()).isEqualTo(308);
        assertThat(root.headers().firstValue("Location")).contains("/console/");
        secured(root);

        HttpResponse<String> unknown = send(at("/no/such/path"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown)).contains("/console/");
        secured(unknown);
    }

    @Test
    void a_handler_failure_is_a_json_500_saying_where_the_details_are() throws Exception {
        HttpResponse<String> failed = send(at("/console/boom"));
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(error(failed)).contains("IllegalStateException", "log");
        secured(failed);
    }
}

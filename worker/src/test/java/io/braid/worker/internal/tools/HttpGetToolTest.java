package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RetriableException;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.execute.Failures;
import io.braid.worker.internal.execute.RetryAfterException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** {@code http_get} against a real local HTTP server: the SSRF guard, redirects, limits and error classes. */
class HttpGetToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private HttpServer server;
    private String base;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/page", exchange -> {
            byte[] body = "<h1>Hello</h1>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/big", exchange -> {
            byte[] body = "x".repeat(5_000).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/endless", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = "z".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
            try (exchange; var out = exchange.getResponseBody()) {
                for (long sent = 0; sent < 10L << 30; sent += chunk.length) {
                    out.write(chunk); // until the tool hangs up
                }
            } catch (java.io.IOException hungUp) {
                // the tool stopped reading
            }
        });
        server.createContext("/hop", exchange -> {
            exchange.getResponseHeaders().add("Location", "/page");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/to-metadata", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/busy", exchange -> {
            exchange.getResponseHeaders().add("Retry-After", "12");
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private HttpGetTool tool(List<String> allow) {
        return new HttpGetTool(new ToolSettings.HttpGet(allow, Duration.ofSeconds(5), 1_000L, 3), clock);
    }

    private JsonNode get(HttpGetTool tool, String url) throws Exception {
        return JSON.readTree(tool.execute(JSON.createObjectNode().put("url", url)));
    }

    @Test
    void loopbackPrivateAndMetadataAddressesAreRefusedByDefault() {
        HttpGetTool tool = tool(List.of());
        for (String url : List.of(base + "/page", "http://localhost:9/", "http://10.0.0.8/", "http://192.168.1.1/",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fd00::1]/", "http://100.64.0.1/",
                "http://0.0.0.0/")) {
            assertThatThrownBy(() -> get(tool, url)).as(url)
                    .isInstanceOf(NonRetriableException.class).hasMessageContaining("refused")
                    .hasMessageContaining("tools.http_get.allow");
        }
    }

    @Test
    void anAllowedRangeIsFetchedWithStatusTypeAndBody() throws Exception {
        JsonNode page = get(tool(List.of("127.0.0.0/8")), base + "/page");

        assertThat(page.path("status").asInt()).isEqualTo(200);
        assertThat(page.path("contentType").asText()).isEqualTo("text/html");
        assertThat(page.path("body").asText()).isEqualTo("<h1>Hello</h1>");
        assertThat(page.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void redirectsAreFollowedAndEachTargetIsCheckedAgain() throws Exception {
        HttpGetTool tool = tool(List.of("127.0.0.1"));

        assertThat(get(tool, base + "/hop").path("url").asText()).isEqualTo(base + "/page");
        assertThatThrownBy(() -> get(tool, base + "/to-metadata"))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("169.254.169.254")
                .hasMessageContaining("link-local");
    }

    @Test
    void bodiesAreCutAtTheSizeLimit() throws Exception {
        JsonNode big = get(tool(List.of("127.0.0.1")), base + "/big");

        assertThat(big.path("body").asText()).hasSize(1_000);
        assertThat(big.path("truncated").asBoolean()).isTrue();
        assertThat(big.path("note").asText()).isEqualTo("body cut at 1000 bytes, the limit of "
                + "tools.http_get.maxBytes; the rest was not read");
    }

    @Test
    void an_endless_body_is_read_only_to_the_limit() throws Exception {
        JsonNode endless = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> get(tool(List.of("127.0.0.1")), base + "/endless"));

        assertThat(endless.path("body").asText()).hasSize(1_000);
        assertThat(endless.path("note").asText()).contains("tools.http_get.maxBytes");
    }

    @Test
    void unavailableIsRetriableAfterItsRetryAfterAndNotFoundIsNot() {
        HttpGetTool tool = tool(List.of("127.0.0.1"));

        assertThatThrownBy(() -> get(tool, base + "/busy")).isInstanceOf(RetryAfterException.class)
                .satisfies(e -> assertThat(Failures.retryAfter(e)).contains(Duration.ofSeconds(12)))
                .satisfies(e -> assertThat(Failures.isRetriable(e)).isTrue());
        assertThatThrownBy(() -> get(tool, base + "/missing")).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> get(tool, "ftp://example.org/file")).hasMessageContaining("not an http:// or https://");
    }

    @Test
    void aHostNameThatResolvesToAPrivateAddressIsRefusedUnlessTheNameIsAllowed() throws Exception {
        AddressPolicy.Resolver rebinding = host -> new InetAddress[] {
                InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.1.2.3")};
        HttpGetTool strict = new HttpGetTool(new ToolSettings.HttpGet(List.of(), Duration.ofSeconds(1), 100L, 0),
                rebinding, clock);
        assertThatThrownBy(() -> get(strict, "http://intranet.example/")).hasMessageContaining("10.1.2.3")
                .hasMessageContaining("private");
        assertThat(new AddressPolicy(List.of("intranet.example")).refusal("intranet.example", rebinding)).isNull();
        assertThat(new AddressPolicy(List.of("10.0.0.0/8")).refusal("intranet.example", rebinding)).isNull();
    }

    @Test
    void connectionFailuresAreRetriable() {
        assertThatThrownBy(() -> get(tool(List.of("127.0.0.1")), "http://127.0.0.1:1/"))
                .satisfies(e -> assertThat(Failures.isRetriable(e)).isTrue());
        assertThat(RetriableException.class).isAssignableFrom(RetryAfterException.class);
    }
}

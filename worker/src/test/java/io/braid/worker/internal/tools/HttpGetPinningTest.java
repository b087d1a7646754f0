package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.langchain4j.exception.TimeoutException;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.testing.TestCertificates;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.execute.Failures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code http_get} connects to the address it checked (DNS rebinding gains nothing), keeps the host name in
 * {@code Host}, refuses IPv6 forms that carry a private IPv4 address, and bounds the whole fetch in time.
 */
class HttpGetPinningTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private final Queue<String> hostHeaders = new ConcurrentLinkedQueue<>();
    private HttpServer server;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/page", exchange -> {
            hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
            byte[] body = "secret admin page".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/trickle", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            try (exchange; OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 1_000; i++) {
                    out.write('x');
                    out.flush();
                    clock.advance(Duration.ofMillis(300)); // a slow server, as the tool's clock sees it
                }
            } catch (IOException hungUp) {
                // the tool gave up
            }
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    /** Answers {@code first}, then {@code later} to every further lookup, counting them. */
    private static final class RebindingResolver implements AddressPolicy.Resolver {
        private final InetAddress first;
        private final InetAddress later;
        private final AtomicInteger lookups = new AtomicInteger();

        RebindingResolver(String first, String later) throws UnknownHostException {
            this.first = InetAddress.getByName(first);
            this.later = InetAddress.getByName(later);
        }

        @Override
        public InetAddress[] resolve(String host) {
            return new InetAddress[] {lookups.getAndIncrement() == 0 ? first : later};
        }
    }

    private HttpGetTool tool(List<String> allow, AddressPolicy.Resolver resolver, Duration timeout) {
        return new HttpGetTool(new ToolSettings.HttpGet(allow, timeout, 1L << 20, 3), resolver, clock);
    }

    private static JsonNode get(HttpGetTool tool, String url) throws Exception {
        return JSON.readTree(tool.execute(JSON.createObjectNode().put("url", url)));
    }

    @Test
    void a_name_that_rebinds_to_loopback_after_the_check_never_reaches_the_loopback_server() {
        // 203.0.113.7 (TEST-NET-3) passes the check; a second lookup would say 127.0.0.1
        RebindingResolver rebinding = assertDoesNotThrowResolver("203.0.113.7", "127.0.0.1");
        HttpGetTool tool = tool(List.of(), rebinding, Duration.ofSeconds(1));

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> get(tool, "http://rebind.test:" + port + "/page"))
                .satisfies(e -> assertThat(Failures.isRetriable(e)).isTrue()));

        assertThat(hostHeaders).as("requests that reached the loopback server").isEmpty();
        assertThat(rebinding.lookups).hasValue(1);
    }

    @Test
    void the_checked_address_is_connected_to_with_the_host_name_kept_in_the_host_header() throws Exception {
        RebindingResolver resolver = assertDoesNotThrowResolver("127.0.0.1", "10.9.9.9");

        JsonNode page = get(tool(List.of("127.0.0.0/8"), resolver, Duration.ofSeconds(5)),
                "http://wiki.test:" + port + "/page");

        assertThat(page.path("body").asText()).isEqualTo("secret admin page");
        assertThat(hostHeaders).containsExactly("wiki.test:" + port);
        assertThat(resolver.lookups).hasValue(1);
    }

    @Test
    void a_body_trickling_past_the_timeout_fails_the_fetch_as_a_timeout() {
        HttpGetTool tool = tool(List.of("127.0.0.1"), host -> {
            throw new UnknownHostException(host);
        }, Duration.ofSeconds(2));

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> get(tool, "http://127.0.0.1:" + port + "/trickle"))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("within 2000 ms (tools.http_get.timeout, for the whole fetch)"));
    }

    @Test
    void ipv6_forms_carrying_a_private_ipv4_address_are_refused_and_public_ones_pass() throws Exception {
        AddressPolicy policy = new AddressPolicy(List.of());
        AddressPolicy.Resolver noLookups = host -> {
            throw new AssertionError("an address literal was looked up: " + host);
        };
        for (String refused : List.of("[64:ff9b::7f00:1]", "[64:ff9b::a00:1]", "[2002:7f00:1::1]",
                "[2002:a9fe:a9fe::1]", "[::127.0.0.1]", "[::ffff:10.0.0.1]", "[64:ff9b:1::a00:1]",
                "[2001:0:4136:e378:8000:63bf:3fff:fdd2]")) {
            assertThat(policy.refusal(refused, noLookups)).as(refused).isNotNull()
                    .contains("tools.http_get.allow");
        }
        assertThat(policy.refusal("[64:ff9b::7f00:1]", noLookups)).contains("loopback (inside an IPv6 address)");
        assertThat(policy.refusal("[2002:a9fe:a9fe::1]", noLookups)).contains("link-local");
        assertThat(policy.refusal("[64:ff9b::808:808]", noLookups)).isNull();
        assertThat(policy.refusal("[2002:808:808::1]", noLookups)).isNull();
    }

    @Test
    void over_tls_the_host_name_is_the_server_name_and_the_name_the_certificate_must_match(@TempDir Path dir)
            throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context(certificates, true)));
        Queue<String> serverNames = new ConcurrentLinkedQueue<>();
        https.createContext("/page", exchange -> {
            ((ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession()).getRequestedServerNames()
                    .forEach(name -> serverNames.add(((SNIHostName) name).getAsciiName()));
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        https.start();
        try {
            SSLSocketFactory trusting = context(certificates, false).getSocketFactory();
            ToolSettings.HttpGet settings = new ToolSettings.HttpGet(List.of("127.0.0.1"), Duration.ofSeconds(5),
                    100L, 0);
            String path = ":" + https.getAddress().getPort() + "/page";

            JsonNode page = get(new HttpGetTool(settings, assertDoesNotThrowResolver("127.0.0.1", "10.9.9.9"), clock,
                    trusting), "https://localhost" + path);
            HttpGetTool otherName = new HttpGetTool(settings, assertDoesNotThrowResolver("127.0.0.1", "10.9.9.9"),
                    clock, trusting);

            assertThat(page.path("body").asText()).isEqualTo("ok");
            assertThat(serverNames).containsExactly("localhost");
            assertThatThrownBy(() -> get(otherName, "https://wiki.test" + path))
                    .hasMessageContaining("No subject alternative DNS name matching wiki.test");
        } finally {
            https.stop(0);
        }
    }

    /** A TLS context with the certificates' key store ({@code server}) or trust store. */
    private static SSLContext context(TestCertificates certificates, boolean server) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(server ? certificates.keyStore() : certificates.trustStore())) {
            store.load(in, certificates.password().toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        if (server) {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, certificates.password().toCharArray());
            context.init(keys.getKeyManagers(), null, null);
        } else {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            context.init(null, trust.getTrustManagers(), null);
        }
        return context;
    }

    private static RebindingResolver assertDoesNotThrowResolver(String first, String later) {
        try {
            return new RebindingResolver(first, later);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}

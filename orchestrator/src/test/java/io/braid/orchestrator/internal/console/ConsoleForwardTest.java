package io.braid.orchestrator.internal.console;

import com.sun.net.httpserver.HttpServer;
import io.braid.orchestrator.ConsoleSettings;
import io.braid.orchestrator.internal.aggregate.FixedJoin;
import io.braid.orchestrator.internal.aggregate.JoinQueries;
import io.braid.schema.http.HttpReplies;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A branch's detail forwarded to the instance holding its job, against real HTTP peers: the peer's answer relayed;
 * a redirect not followed, a silent peer cut at the forward timeout, an oversized answer dropped, a closed port and a
 * peer without the console each answered 502 with the reason; a forged forwarded request answered 503.
 */
class ConsoleForwardTest {

    private static final Duration TIMEOUT = Duration.ofMillis(700);
    private static final int MAX_BYTES = 64 * 1024;
    private static final String PATH = "/console/api/jobs/j/branches/b";
    private static final ConsoleSettings SETTINGS = ConsoleSettings.builder().forwardTimeout(TIMEOUT)
            .maxForwardBytes(MAX_BYTES).build();

    private final CountDownLatch released = new CountDownLatch(1);
    private HttpServer peer;

    @AfterEach
    void stop() {
        released.countDown();
        if (peer != null) {
            peer.stop(0);
        }
    }

    /** A peer whose console answers {@code handler}; its port. */
    private int peer(com.sun.net.httpserver.HttpHandler handler) throws Exception {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/", handler);
        peer.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        peer.start();
        return peer.getAddress().getPort();
    }

    private static ConsoleData.Answer branch(int port, boolean forwarded) {
        JoinQueries elsewhere = FixedJoin.elsewhere("127.0.0.1", port);
        ManualClock clock = new ManualClock(JobFixtures.T0);
        FleetStats fleet = new FleetStats(clock, SETTINGS);
        ConsoleData data = new ConsoleData(SETTINGS, new JobIndex(SETTINGS, fleet), new DeadLetterLog(1, 100,
                new Cut(16)), fleet, elsewhere, null, List::of, clock, new WorkerStatuses(clock, SETTINGS));
        return data.branch("j", "b", false, forwarded, "Bearer t", PATH);
    }

    @Test
    void the_peers_answer_is_relayed_from_a_request_marked_forwarded_with_the_callers_token() throws Exception {
        AtomicReference<String> asked = new AtomicReference<>();
        int port = peer(exchange -> {
            try (exchange) {
                asked.set(exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
                HttpReplies.send(exchange, 200, "application/json", "{\"branchId\":\"b\"}");
            }
        });

        assertThat(branch(port, false)).isEqualTo(new ConsoleData.Answer(200, "{\"branchId\":\"b\"}"));
        assertThat(asked.get()).isEqualTo(PATH + "?from=forwarded Bearer t");
    }

    @Test
    void a_redirect_is_not_followed() throws Exception {
        AtomicReference<String> followed = new AtomicReference<>();
        int port = peer(exchange -> {
            try (exchange) {
                if (exchange.getRequestURI().getPath().equals("/elsewhere")) {
                    followed.set("followed");
                }
                exchange.getResponseHeaders().set("Location", "/elsewhere");
                exchange.sendResponseHeaders(302, -1);
            }
        });

        ConsoleData.Answer answer = branch(port, false);
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.body()).contains("redirect (302)", "127.0.0.1:" + port);
        assertThat(followed.get()).isNull();
    }

    @Test
    void a_silent_peer_is_answered_502_within_the_forward_timeout() throws Exception {
        int port = peer(exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write("{\"slow".getBytes());
                exchange.getResponseBody().flush();
                released.await(30, TimeUnit.SECONDS); // headers sent, the body never ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        long start = System.nanoTime();
        ConsoleData.Answer answer = branch(port, false);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.body()).contains("within 700 ms (--forward-timeout)");
        assertThat(took).isLessThan(TIMEOUT.plusSeconds(2));
    }

    @Test
    void an_answer_over_the_byte_limit_is_dropped_naming_the_limit() throws Exception {
        int port = peer(exchange -> {
            try (exchange) {
                HttpReplies.send(exchange, 200, "application/json", "\"" + "x".repeat(MAX_BYTES) + "\"");
            }
        });

        ConsoleData.Answer answer = branch(port, false);
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.body()).contains("more than " + MAX_BYTES + " bytes (--max-forward-bytes)");
    }

    @Test
    void a_closed_port_and_a_peer_without_the_console_are_answered_502() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ConsoleData.Answer refused = branch(closed, false);
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.body()).contains("127.0.0.1:" + closed, "did not answer");

        int port = peer(exchange -> {
            try (exchange) {
                HttpReplies.send(exchange, 404, "text/html", "<h1>404 Not Found</h1>");
            }
        });
        ConsoleData.Answer html = branch(port, false);
        assertThat(html.status()).isEqualTo(502);
        assertThat(html.body()).contains("without Braid's JSON error");
    }

    @Test
    void a_request_claiming_to_be_forwarded_for_a_job_held_elsewhere_is_answered_503_not_forwarded_again()
            throws Exception {
        AtomicReference<String> asked = new AtomicReference<>();
        int port = peer(exchange -> {
            try (exchange) {
                asked.set("asked");
                HttpReplies.send(exchange, 200, "application/json", "{}");
            }
        });

        ConsoleData.Answer answer = branch(port, true);
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.body()).contains("came forwarded", "127.0.0.1:" + port);
        assertThat(asked.get()).isNull();
    }
}

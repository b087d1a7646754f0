package io.braid.orchestrator.internal.console;

import com.sun.net.httpserver.HttpServer;
import io.braid.orchestrator.ConsoleSettings;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A job page's live stream: limited per caller and in lifetime. */
class EventStreamTest {

    private final ManualClock clock = new ManualClock(JobFixtures.T0);

    private static ConsoleSettings streams(int max, int perToken) {
        return ConsoleSettings.builder().maxStreams(max).maxStreamsPerToken(perToken).build();
    }

    @Test
    void one_caller_may_hold_at_most_its_share_of_the_streams_and_each_refusal_names_its_limit() {
        EventStream streams = new EventStream(streams(8, 2), clock);
        assertThat(streams.tryOpen("alice")).isEmpty();
        assertThat(streams.tryOpen("alice")).isEmpty();
        assertThat(streams.tryOpen("alice")).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("token 'alice'").contains("--console-max-streams-per-token");
        for (int i = 0; i < 6; i++) {
            assertThat(streams.tryOpen("user" + i)).isEmpty();
        }
        assertThat(streams.tryOpen("bob")).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("already 8 live streams open (--console-max-streams)");
    }

    @Test
    void a_stream_ends_after_its_maximum_lifetime() throws Exception {
        JobIndex jobs = new JobIndex(ConsoleSettings.defaults(), new FleetStats(clock, ConsoleSettings.defaults()));
        jobs.manifest(JobFixtures.manifest("j", "x"));
        ConsoleSettings settings = ConsoleSettings.builder().streamLifetime(Duration.ofMinutes(3)).build();
        EventStream streams = new EventStream(settings, clock);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                assertThat(streams.tryOpen("alice")).isEmpty();
                streams.serve(exchange, jobs, "j", "{}", "alice");
            }
        });
        server.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<java.io.InputStream> response = client.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            assertThat(body.readLine()).isEqualTo("event: job");
            CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
                try {
                    while (body.readLine() != null) {
                        // until the server ends the stream
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            clock.advance(settings.streamLifetime());
            jobs.tell("j", "note", JobEntry.JSON.createObjectNode());

            ended.get(10, TimeUnit.SECONDS);
            assertThat(streams.tryOpen("alice")).as("the ended stream was released").isEmpty();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void a_reader_that_stops_reading_loses_its_stream_to_the_watchdog_and_frees_its_slot() throws Exception {
        JobIndex jobs = new JobIndex(ConsoleSettings.defaults(), new FleetStats(clock, ConsoleSettings.defaults()));
        jobs.manifest(JobFixtures.manifest("j", "x"));
        EventStream streams = new EventStream(streams(4, 1), clock, Duration.ofMillis(500));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        java.util.concurrent.CountDownLatch serving = new java.util.concurrent.CountDownLatch(1);
        server.createContext("/", exchange -> {
            assertThat(streams.tryOpen("alice")).isEmpty();
            serving.countDown();
            streams.serve(exchange, jobs, "j", "\"" + "x".repeat(64 * 1024 * 1024) + "\"", "alice");
        });
        server.start();
        try (java.net.Socket stalled = new java.net.Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", server.getAddress().getPort()));
            stalled.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            assertThat(serving.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(streams.tryOpen("alice")).as("held by the stalled stream").isPresent();

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> streams.tryOpen("alice").isEmpty());
        } finally {
            server.stop(0);
        }
    }
}

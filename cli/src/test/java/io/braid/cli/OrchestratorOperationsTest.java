package io.braid.cli;

import io.braid.schema.GroupIds;

import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.TaskBacklog;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.testing.JobFixtures;
import io.braid.worker.WorkerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The orchestrator's operations endpoints on a real broker: health for probes, Prometheus metrics, and the
 * worker fleet's task backlog (the share group's lag) that autoscaling reads — growing while no worker runs,
 * back to zero once one has done the work.
 */
class OrchestratorOperationsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalFleet fleet;

    @BeforeAll
    static void start() {
        fleet = LocalFleet.start(0, w -> w);
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        int port = fleet.orchestrator().httpPort().orElseThrow();
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthMetricsAndTheTaskBacklogFollowTheFleet() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get("/health/ready").statusCode())
                .isEqualTo(200));
        assertThat(get("/health/live").body()).contains("\"live\":true").contains("\"aggregator\":\"RUNNING\"");

        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            for (int i = 0; i < 5; i++) {
                client.submit(JobFixtures.llmJob("backlog-" + i, 3));
            }
        }
        // 15 tasks and no worker yet: all of them are backlog (before the share group exists the count is the
        // topic's offsets, which include the dispatcher's transaction markers: an upper bound)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(backlog()).isGreaterThanOrEqualTo(15));
        assertThat(get("/metrics").body()).containsPattern("braid_tasks_backlog (1[5-9]|[2-9]\\d)\\.0")
                .contains("braid_jobs_held").contains("kafka_stream_");

        assertThat(measuredOnce().total()).as("measured on demand, as the benchmarks' diagnostics do")
                .isGreaterThanOrEqualTo(15);

        fleet.addWorker(w -> w.simulatedLatency(Duration.ofMillis(10), Duration.ofMillis(20)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(backlog()).isZero());
        assertThat(measuredOnce().total()).isZero();
    }

    private static TaskBacklog.Measurement measuredOnce() throws Exception {
        return TaskBacklog.measureOnce(KafkaConnection.plain(fleet.bootstrapServers()), fleet.topics().tasks(),
                GroupIds.WORKERS, Clock.systemUTC());
    }

    private static long backlog() throws Exception {
        HttpResponse<String> response = get("/backlog");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("backlog").asLong();
    }
}

package io.braid.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.client.JobFiles;
import io.braid.orchestrator.ApiTokens;
import io.braid.schema.ModelFlowState;
import io.braid.schema.WorkerState;
import io.braid.schema.WorkerStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroSerializer;
import io.braid.worker.Worker;
import io.braid.worker.WorkerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The workers' heartbeats on a real broker, registry, orchestrator and worker: the console's fleet API (real HTTP,
 * with a token) shows a running worker's live in-flight count and its model's rate-limit row; garbage and a hostile
 * status on the workers topic neither stop the feed nor grow the answer; a stopping worker's last status says so.
 */
class ConsoleFleetLiveTest {

    private static final String TOKEN = "fleet-live-read-token";
    private static final Duration STATUS_EVERY = Duration.ofSeconds(1);
    /** Calls of 3 to 4 s under a limit no call waits for: branches stay in flight long enough to be seen. */
    private static final String CONFIG = """
            defaultModel: sim
            models:
              sim: { provider: simulated, minLatency: 3000ms, maxLatency: 4000ms }
            rateLimits:
              sim: { requestsPerMinute: 60000 }
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalFleet fleet;
    private static WorkerConfig config;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        config = WorkerConfig.load(Files.writeString(Files.createTempFile("fleet-live-worker", ".yaml"), CONFIG));
        fleet = LocalFleet.start(1, w -> w.config(config).statusInterval(STATUS_EVERY),
                o -> o.apiTokens(ApiTokens.none().with("reader", ApiTokens.Scope.READ, TOKEN)));
        fleet.awaitReady(Duration.ofSeconds(60));
        api = "http://127.0.0.1:" + fleet.orchestrator().httpPort().orElseThrow() + "/console/api/fleet";
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private static JsonNode fleetApi() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static Optional<JsonNode> live(String workerId) throws Exception {
        return StreamSupport.stream(fleetApi().get("live").spliterator(), false)
                .filter(row -> row.get("workerId").asText().equals(workerId)).findFirst();
    }

    @Test
    void the_fleet_api_shows_a_running_workers_in_flight_and_its_models_rate_limit_past_hostile_records()
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                fleet.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            String topic = fleet.topics().workers();
            producer.send(new ProducerRecord<>(topic, "garbage", "not avro at all".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(topic, "wire", new byte[]{0, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff}));
            WorkerStatus hostile = WorkerStatus.newBuilder().setWorkerId("hostile").setStartedAt(Instant.now())
                    .setSentAt(Instant.now()).setIntervalMs(60_000).setInFlight(-7).setMaxInFlight(Integer.MAX_VALUE)
                    .setModels(IntStream.range(0, 1_000).mapToObj(i -> ModelFlowState.newBuilder()
                            .setModel("model-" + "x".repeat(1_000) + i).setAllowedRequestsPerMinute(Double.NaN)
                            .build()).toList()).build();
            producer.send(new ProducerRecord<>(topic, "hostile", new AvroSerializer<WorkerStatus>(
                    new SchemaRegistryClient(fleet.registryUrl())).serialize(topic, hostile)));
        }
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            client.submit(JobFiles.parse("""
                    {"jobId": "fleet-live", "branches": [
                      {"branchId": "a", "kind": "LLM", "llm": {"userPrompt": "one"}},
                      {"branchId": "b", "kind": "LLM", "llm": {"userPrompt": "two"}},
                      {"branchId": "c", "kind": "LLM", "llm": {"userPrompt": "three"}}]}
                    """, "fleet-live"));

            await().atMost(Duration.ofSeconds(30)).until(() -> live("worker-1").filter(row ->
                    row.get("inFlight").asInt() >= 1).isPresent());
        }
        JsonNode worker = live("worker-1").orElseThrow();
        assertThat(worker.get("state").asText()).isEqualTo("RUNNING");
        assertThat(worker.get("maxInFlight").asInt()).isEqualTo(256);
        JsonNode sim = worker.get("models").get(0);
        assertThat(sim.get("model").asText()).isEqualTo("sim");
        assertThat(sim.get("requestsPerMinute").asDouble()).isPositive();
        assertThat(sim.get("factor").asDouble()).isEqualTo(1.0);
        assertThat(sim.get("rateLimited").asLong()).isZero();
        await().atMost(Duration.ofSeconds(15)).until(() -> live("worker-1").map(row -> row.get("models").get(0)
                .get("inFlightCalls").asInt()).orElse(0) >= 1);

        JsonNode cut = live("hostile").orElseThrow();
        assertThat(cut.get("inFlight").asInt()).isZero();
        assertThat(cut.get("models")).hasSize(50);
        assertThat(cut.get("modelsDropped").asInt()).isEqualTo(950);
        assertThat(cut.get("models").get(0).get("requestsPerMinute").isNull()).isTrue();
        assertThat(fleetApi().has("liveNote")).isFalse();
    }

    @Test
    void a_stopping_workers_last_status_says_so() throws Exception {
        Worker second = fleet.addWorker(w -> w.config(config).statusInterval(STATUS_EVERY).workerId("leaving"));
        await().atMost(Duration.ofSeconds(30)).until(() -> live("leaving").isPresent());

        second.shutdown(Duration.ZERO);

        await().atMost(Duration.ofSeconds(15)).until(() -> live("leaving").map(row -> row.get("state").asText())
                .orElse(""), state -> state.equals(WorkerState.STOPPING.name()));
    }
}

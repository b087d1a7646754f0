package io.braid.cli.console;

import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.orchestrator.ConsoleSettings;
import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.LlmCall;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A branch's detail from two orchestrator instances of one application (3 partitions, a real broker and worker):
 * either instance answers the same detail, forwarding to the one holding the job; a request forged as already
 * forwarded is answered 503, not forwarded again; when the holder cannot be reached (an instance advertising an
 * address nothing listens on), 502 comes at once. The port's error replies are JSON with the security headers.
 */
class ConsoleCrossInstanceIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(3);
    private static final ConsoleSettings CONSOLE = ConsoleSettings.builder().forwardTimeout(FORWARD_TIMEOUT).build();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String detail(String jobId) {
        return "/console/api/jobs/" + jobId + "/branches/quick";
    }

    private static Orchestrator instance(LocalFleet fleet, String id, String advertisedHost) throws Exception {
        Orchestrator instance = Orchestrator.start(OrchestratorOptions.builder(fleet.bootstrapServers(),
                        fleet.registryUrl()).partitions(3).instanceId(id).httpPort(0).advertisedHost(advertisedHost)
                .console(CONSOLE).stateDir(Files.createTempDirectory("braid-" + id + "-aggregator")).build());
        instance.awaitRunning(Duration.ofSeconds(60));
        return instance;
    }

    @Test
    void either_instance_answers_a_branchs_detail_and_a_forged_or_failed_forward_is_answered_clearly()
            throws Exception {
        Duration slow = Duration.ofSeconds(90);
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(slow, slow)
                .defaultTimeout(Duration.ofSeconds(120)), o -> o.console(CONSOLE));
             BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            fleet.awaitReady(Duration.ofSeconds(60));
            int first = fleet.orchestrator().httpPort().orElseThrow();
            Map<String, String> heldBy = new HashMap<>();
            try (Orchestrator second = instance(fleet, "second", "localhost")) {
                int secondPort = second.httpPort().orElseThrow();
                for (int i = 0; i < 6; i++) {
                    client.submit(JobRequest.newBuilder().setJobId("cross-" + i).setBranches(List.of(
                            JobFixtures.toolBranch("quick", "calculator", "{\"expression\": \"6 * 7\"}"),
                            BranchSpec.newBuilder().setBranchId("slow").setKind(BranchKind.LLM)
                                    .setLlm(LlmCall.newBuilder().setUserPrompt("slow " + i).build()).build()))
                            .build());
                }
                for (int i = 0; i < 6; i++) {
                    String jobId = "cross-" + i;
                    await().atMost(Duration.ofSeconds(60)).until(() -> get(first, detail(jobId)).body()
                            .contains("\"status\":\"SUCCEEDED\""));
                    HttpResponse<String> fromFirst = get(first, detail(jobId));
                    assertThat(fromFirst.statusCode()).isEqualTo(200);
                    assertThat(fromFirst.body()).contains("\"output\":\"42");
                    assertThat(get(secondPort, detail(jobId)).body()).isEqualTo(fromFirst.body());
                    heldBy.put(jobId, get(first, "/jobs/" + jobId).body()
                            .replaceAll(".*\"answeredBy\":\"([^\"]+)\".*", "$1"));
                }
                assertThat(heldBy.values()).as("jobs spread over both instances").contains("local", "second");

                String onSecond = heldBy.entrySet().stream().filter(e -> e.getValue().equals("second"))
                        .findFirst().orElseThrow().getKey();
                HttpResponse<String> forged = get(first, detail(onSecond) + "?from=forwarded");
                assertThat(forged.statusCode()).isEqualTo(503);
                assertThat(forged.body()).contains("came forwarded", "localhost:" + secondPort);
                errorsAreJson(first);
            }

            // an instance nothing can reach: it advertises 127.0.0.2, while it listens on 127.0.0.1 only; any job id
            // whose partition it takes is forwarded there, held or not
            try (Orchestrator unreachable = instance(fleet, "unreachable", "127.0.0.2")) {
                String port = ":" + unreachable.httpPort().orElseThrow();
                List<String> probes = java.util.stream.IntStream.range(0, 30).mapToObj(i -> "probe-" + i).toList();
                String lost = await().atMost(Duration.ofSeconds(90)).until(() -> probes.stream()
                        .filter(jobId -> status(first, detail(jobId)) == 502).findFirst().orElse(null),
                        jobId -> jobId != null);
                long start = System.nanoTime();
                HttpResponse<String> failed = get(first, detail(lost));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FORWARD_TIMEOUT);
                assertThat(failed.statusCode()).isEqualTo(502);
                assertThat(failed.body()).contains("127.0.0.2" + port, "did not answer");
            }
        }
    }

    private static int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The port's refusals are JSON errors carrying the security headers. */
    private static void errorsAreJson(int port) throws Exception {
        for (String path : List.of("/console/api/jobs?colour=red", "/console/no-such.js", "/no-such-path",
                "/console/api/no-such")) {
            HttpResponse<String> refused = get(port, path);
            assertThat(refused.statusCode()).as(path).isIn(400, 404);
            assertThat(refused.headers().firstValue("Content-Type")).as(path).contains("application/json");
            assertThat(refused.body()).as(path).startsWith("{\"error\":");
            assertThat(refused.headers().firstValue("Content-Security-Policy")).as(path).isPresent();
            assertThat(refused.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(refused.headers().firstValue("Referrer-Policy")).as(path).contains("no-referrer");
        }
        assertThat(get(port, "/console/api/jobs?colour=red").body()).contains("unknown query parameter 'colour'");
        assertThat(get(port, "/").statusCode()).isEqualTo(308);
    }
}

package io.braid.cli;

import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job status over HTTP from two orchestrator instances sharing the aggregator's partitions: each answers for every
 * job, forwarding to the instance that holds it.
 */
class JobStatusIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(int port, String jobId) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs/" + jobId)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void either_orchestrator_instance_answers_for_any_job() throws Exception {
        Duration slow = Duration.ofSeconds(60);
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(slow, slow)
                .defaultTimeout(Duration.ofSeconds(90)));
             Orchestrator second = Orchestrator.start(OrchestratorOptions
                     .builder(fleet.bootstrapServers(), fleet.registryUrl())
                     .partitions(3).instanceId("second").httpPort(0)
                     .stateDir(Files.createTempDirectory("braid-second-aggregator")).build())) {
            fleet.awaitReady(Duration.ofSeconds(60));
            second.awaitRunning(Duration.ofSeconds(60));
            int firstPort = fleet.orchestrator().httpPort().orElseThrow();
            int secondPort = second.httpPort().orElseThrow();

            List<String> jobIds = new ArrayList<>();
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                for (int i = 0; i < 6; i++) {
                    JobRequest job = JobRequest.newBuilder().setJobId("status-" + i).setBranches(List.of(
                            JobFixtures.toolBranch("quick", "calculator", "{\"expression\": \"1 + 1\"}"),
                            BranchSpec.newBuilder().setBranchId("slow").setKind(BranchKind.LLM)
                                    .setLlm(LlmCall.newBuilder().setUserPrompt("slow " + i).build()).build()))
                            .build();
                    client.submit(job);
                    jobIds.add(job.getJobId());
                }
                List<String> answeredBy = new ArrayList<>();
                for (String jobId : jobIds) {
                    // once the quick branch's result is joined, both instances report it, whoever holds the job
                    await().atMost(Duration.ofSeconds(60)).until(() -> get(firstPort, jobId).body()
                            .contains("\"status\":\"SUCCEEDED\",\"attempt\":1"));
                    String fromFirst = get(firstPort, jobId).body();
                    String fromSecond = get(secondPort, jobId).body();
                    assertThat(fromSecond).isEqualTo(fromFirst);
                    assertThat(fromFirst).contains("\"jobId\":\"" + jobId + "\"", "\"state\":\"RUNNING\"",
                            "{\"branchId\":\"slow\",\"kind\":\"LLM\",\"status\":\"PENDING\"}");
                    answeredBy.add(fromFirst.replaceAll(".*\"answeredBy\":\"([^\"]+)\".*", "$1"));
                }
                assertThat(answeredBy).as("jobs spread over both instances").contains("local", "second");

                assertThat(get(secondPort, "no-such-job").statusCode()).isEqualTo(404);
                assertThat(get(firstPort, "no-such-job").body()).contains("no job 'no-such-job'");
                jobIds.forEach(jobId -> client.cancel(jobId, "test over"));
                await().atMost(Duration.ofSeconds(30)).until(() -> get(secondPort, jobIds.get(0)).body()
                        .contains("\"state\":\"COMPLETED\",\"round\":1,\"status\":\"CANCELLED\""));
            }
        }
    }
}

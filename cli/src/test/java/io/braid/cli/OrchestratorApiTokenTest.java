package io.braid.cli;

import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.orchestrator.ApiTokens;
import io.braid.schema.JobRequest;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The CLI against an orchestrator whose job API wants a bearer token, over real HTTP and the in-process broker. */
class OrchestratorApiTokenTest {

    private record Run(int exit, String out, String err) {
    }

    @Test
    void status_with_the_token_file_works_and_without_it_says_what_to_set() throws Exception {
        ApiTokens tokens = ApiTokens.none().with("ops", ApiTokens.Scope.OPERATE, "s3cret-operate");
        Path tokenFile = Files.createTempFile("braid-token", ".txt");
        Files.writeString(tokenFile, "s3cret-operate\n");
        try (LocalFleet fleet = LocalFleet.start(1, UnaryOperator.identity(), o -> o.apiTokens(tokens));
             BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            fleet.awaitReady(Duration.ofSeconds(60));
            JobRequest job = JobRequest.newBuilder().setJobId("secured-1").setBranches(List.of(
                    JobFixtures.toolBranch("sum", "calculator", "{\"expression\": \"1 + 1\"}"))).build();
            client.submit(job);
            String url = "http://127.0.0.1:" + fleet.orchestrator().httpPort().orElseThrow();

            await().atMost(Duration.ofSeconds(60)).until(() -> braid("status", "secured-1", "--orchestrator-url", url,
                    "--api-token-file", tokenFile.toString()).out().contains("Job secured-1: COMPLETED"));

            Run refused = braid("status", "secured-1", "--orchestrator-url", url);
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err()).contains("BRAID_API_TOKEN", "--api-token-file");
        }
    }

    @Test
    void a_query_forwarded_to_the_instance_holding_the_job_carries_the_callers_token() throws Exception {
        ApiTokens tokens = ApiTokens.none().with("dashboard", ApiTokens.Scope.READ, "s3cret-read");
        try (LocalFleet fleet = LocalFleet.start(1, UnaryOperator.identity(), o -> o.apiTokens(tokens));
             Orchestrator second = Orchestrator.start(OrchestratorOptions
                     .builder(fleet.bootstrapServers(), fleet.registryUrl()).partitions(3).instanceId("second")
                     .httpPort(0).apiTokens(tokens)
                     .stateDir(Files.createTempDirectory("braid-second-aggregator")).build());
             BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            fleet.awaitReady(Duration.ofSeconds(60));
            second.awaitRunning(Duration.ofSeconds(60));
            List<String> jobIds = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                jobIds.add("forwarded-" + i);
                client.submit(JobRequest.newBuilder().setJobId("forwarded-" + i).setBranches(List.of(
                        JobFixtures.toolBranch("sum", "calculator", "{\"expression\": \"1 + 1\"}"))).build());
            }
            List<Integer> ports = List.of(fleet.orchestrator().httpPort().orElseThrow(),
                    second.httpPort().orElseThrow());
            Set<String> answeredBy = new TreeSet<>();
            for (String jobId : jobIds) {
                for (int port : ports) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> get(port, jobId, "s3cret-read").statusCode()
                            == 200);
                    answeredBy.add(get(port, jobId, "s3cret-read").body().replaceAll(".*\"answeredBy\":\"([^\"]+)\".*",
                            "$1"));
                    assertThat(get(port, jobId, null).statusCode()).isEqualTo(401);
                }
            }
            assertThat(answeredBy).as("jobs held by both instances, so some answers were forwarded")
                    .containsExactlyInAnyOrder("local", "second");
        }
    }

    private static HttpResponse<String> get(int port, String jobId, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs/" + jobId));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void orchestrator_bound_beyond_loopback_without_tokens_refuses_to_start() {
        Run run = braid("orchestrator", "--bootstrap-servers", "127.0.0.1:1", "--http-bind", "0.0.0.0");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("0.0.0.0", "--api-tokens-file", "BRAID_API_TOKEN");
    }

    private static Run braid(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            CommandLine command = Main.commandLine();
            command.setErr(new PrintWriter(err, true));
            int exit = command.execute(args);
            return new Run(exit, printed.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }
}

package io.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.client.BraidClient;
import io.braid.client.DeadLetters;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import io.braid.worker.RetryPolicy;
import io.braid.worker.WorkerConfig;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.ToolSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replaying failed branches into the same join, on a real broker: the failed branches run again in round 2,
 * the ones that succeeded are kept and never run again.
 */
class ReplayIntegrationTest {

    private static WorkerOptions.Builder quick(WorkerOptions.Builder worker) {
        return worker.simulatedLatency(Duration.ofMillis(10), Duration.ofMillis(50))
                .retryPolicy(new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO));
    }

    private static List<JobResult> jobResults(LocalFleet fleet) {
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobResults(), new AvroDeserializer<>(
                new SchemaRegistryClient(fleet.registryUrl()), JobResult.class)).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static List<BranchResult> branchResults(LocalFleet fleet) {
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().results(), new AvroDeserializer<>(
                new SchemaRegistryClient(fleet.registryUrl()), BranchResult.class)).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static JobRequest withBranch(JobRequest job, BranchSpec branch) {
        List<BranchSpec> branches = new ArrayList<>(job.getBranches());
        branches.add(branch);
        return JobRequest.newBuilder(job).setBranches(branches).build();
    }

    /** Runs a braid command line against the fleet and returns what it printed. */
    private static String braid(LocalFleet fleet, String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--bootstrap-servers", fleet.bootstrapServers(), "--registry-url", fleet.registryUrl()));
        if (args[0].equals("replay") || args[0].equals("result")) {
            command.addAll(List.of("--orchestrator-url",
                    "http://127.0.0.1:" + fleet.orchestrator().httpPort().orElseThrow()));
        }
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.commandLine().execute(command.toArray(String[]::new));
            assertThat(exit).as("exit code of braid " + String.join(" ", args) + "; printed: " + printed).isZero();
        } finally {
            System.setOut(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_job_failed_by_a_disabled_tool_succeeds_in_round_two_without_running_its_other_branches_again()
            throws Exception {
        try (LocalFleet fleet = LocalFleet.start(1, w -> quick(w).disabledTools(Set.of("calculator")))) {
            fleet.awaitReady(Duration.ofSeconds(60));
            JobRequest job = withBranch(JobFixtures.llmJob("replay-1", 2),
                    JobFixtures.toolBranch("math", "calculator", "{\"expression\": \"6 * 7\"}"));
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                client.submit(job);
                JobResult first = client.awaitResult("replay-1", null, Duration.ofSeconds(60), e -> { }).orElseThrow();
                assertThat(first.getStatus()).isEqualTo(JobStatus.PARTIAL);
                assertThat(first.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                        .containsExactly("b1=SUCCEEDED", "b2=SUCCEEDED", "math=FAILED");

                await().atMost(Duration.ofSeconds(30)).until(() -> !DeadLetters.since(io.braid.schema.kafka.KafkaConnection.plain(fleet.bootstrapServers()),
                        new SchemaRegistryClient(fleet.registryUrl()), fleet.topics(), Instant.EPOCH).isEmpty());
                DeadLetters.DeadLetter dead = DeadLetters.since(io.braid.schema.kafka.KafkaConnection.plain(fleet.bootstrapServers()),
                        new SchemaRegistryClient(fleet.registryUrl()), fleet.topics(), Instant.EPOCH).get(0);
                assertThat(dead.jobId()).isEqualTo("replay-1");
                assertThat(dead.branchId()).isEqualTo("math");
                assertThat(dead.errorClass()).isEqualTo("NonRetriableException");
                assertThat(dead.message()).contains("disabled on this worker");
                assertThat(dead.attempts()).isEqualTo(1);
                assertThat(dead.lastFailure()).isAfterOrEqualTo(dead.firstFailure());
                assertThat(braid(fleet, "dlq", "list", "--job", "replay-1")).contains("math", "NonRetriableException");

                assertThat(braid(fleet, "replay", "--job", "replay-1", "--dry-run"))
                        .contains("replay-1: would replay math in round 2; keeps b1, b2");
                HttpResponse<String> preview = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + fleet.orchestrator().httpPort().orElseThrow() + "/jobs/replay-1/replay"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"dryRun\": true}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(preview.statusCode()).isEqualTo(200);
                assertThat(preview.body()).isEqualTo("{\"wouldReplay\":true,\"message\":\"round 2 replays math; "
                        + "kept b1, b2 (already succeeded)\"}");

                // the tool is fixed: the worker that had it switched off goes, a healthy one comes
                fleet.workers().get(0).shutdown(Duration.ZERO);
                fleet.addWorker(ReplayIntegrationTest::quick);
                Instant sent = client.replay("replay-1", List.of(), null);
                Instant again = client.replay("replay-1", List.of(), null);
                assertThat(client.awaitReplayOutcome("replay-1", sent, Duration.ofSeconds(30)).orElseThrow()
                        .getMessage()).isEqualTo("round 2 replays math; kept b1, b2 (already succeeded)");

                await().atMost(Duration.ofSeconds(60)).until(() -> jobResults(fleet).size() == 2);
                JobResult second = jobResults(fleet).get(1);
                assertThat(second.getRound()).isEqualTo(2);
                assertThat(second.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(second.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                        .containsExactly("b1=SUCCEEDED", "b2=SUCCEEDED", "math=SUCCEEDED");
                assertThat(branchResults(fleet)).as("b1 and b2 ran once, math twice")
                        .extracting(r -> r.getBranchId() + "@" + r.getRound() + "=" + r.getStatus())
                        .containsExactlyInAnyOrder("b1@1=SUCCEEDED", "b2@1=SUCCEEDED", "math@1=FAILED",
                                "math@2=SUCCEEDED");
                List<String> refusals = events(fleet, "replay-1", JobEventType.REPLAY_REJECTED);
                assertThat(refusals).as("the second replay sent at once")
                        .containsExactly("round 2 is still running; replay once it completed");
                assertThat(again).isAfterOrEqualTo(sent);

                assertThat(braid(fleet, "replay", "--job", "replay-1")).contains("replay-1: nothing done: nothing "
                        + "to replay: b1, b2, math already succeeded and will not run again");
            }
        }
    }

    @Test
    void bulk_replay_after_a_provider_outage_completes_every_job_once_more() {
        int jobCount = 100;
        try (LocalFleet fleet = LocalFleet.start(1, w -> quick(w).simulatedOutage(true))) {
            fleet.awaitReady(Duration.ofSeconds(60));
            List<JobRequest> jobs = IntStream.range(0, jobCount).mapToObj(i -> withBranch(
                    JobFixtures.llmJob("outage-" + i, 1),
                    JobFixtures.toolBranch("stats", "text_stats", "{\"text\": \"a b c\"}"))).toList();
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                jobs.forEach(client::submit);
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> jobResults(fleet).size() == jobCount);
            assertThat(jobResults(fleet)).extracting(JobResult::getStatus).containsOnly(JobStatus.PARTIAL);

            fleet.workers().get(0).shutdown(Duration.ZERO);
            fleet.addWorker(ReplayIntegrationTest::quick);
            String printed = braid(fleet, "replay", "--all-failed", "--since", "10m", "--error", "outage");
            assertThat(printed.lines().filter(line -> line.contains(": round 2 replays b1"))).hasSize(jobCount);

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> jobResults(fleet).size() == 2 * jobCount);
            Map<String, JobResult> roundTwo = jobResults(fleet).stream().filter(r -> r.getRound() == 2)
                    .collect(Collectors.toMap(JobResult::getJobId, Function.identity()));
            assertThat(roundTwo).hasSize(jobCount);
            assertThat(roundTwo.values()).extracting(JobResult::getStatus).containsOnly(JobStatus.SUCCEEDED);
            assertThat(branchResults(fleet)).filteredOn(r -> r.getBranchId().equals("stats"))
                    .as("the tool branches that succeeded in round 1 never ran again").hasSize(jobCount)
                    .extracting(BranchResult::getStatus).containsOnly(BranchStatus.SUCCEEDED);
        }
    }

    /** Workers with the quick simulated model and a slow one ("slow": 2 s), trying each branch once. */
    private static WorkerOptions.Builder quickAndSlow(WorkerOptions.Builder worker) {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        models.put("simulated", ModelSpec.simulated(Duration.ofMillis(10), Duration.ofMillis(50)));
        models.put("slow", ModelSpec.simulated(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        return worker.config(new WorkerConfig("simulated", models, ToolSettings.defaults()))
                .retryPolicy(new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO));
    }

    /** A job whose branch b1 succeeds and b2, on a model no worker has, fails: PARTIAL in round 1. */
    private static JobRequest halfOnAMissingModel(String jobId) {
        return withBranch(JobFixtures.llmJob(jobId, 1), BranchSpec.newBuilder().setBranchId("b2")
                .setKind(BranchKind.LLM).setLlm(LlmCall.newBuilder().setModel("missing").setUserPrompt("hello")
                        .build()).build());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void after_a_replay_result_prints_the_latest_round_waiting_for_a_running_one_and_round_n_on_request()
            throws Exception {
        try (LocalFleet fleet = LocalFleet.start(1, ReplayIntegrationTest::quickAndSlow)) {
            fleet.awaitReady(Duration.ofSeconds(60));
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                client.submit(halfOnAMissingModel("latest-1"));
                client.submit(halfOnAMissingModel("latest-2"));
                for (String jobId : List.of("latest-1", "latest-2")) {
                    assertThat(client.awaitResult(jobId, null, Duration.ofSeconds(60), null).orElseThrow()
                            .getStatus()).isEqualTo(JobStatus.PARTIAL);
                }

                // round 2 runs b2 on the slow model for 2 s: 'braid result' asked meanwhile waits for it
                Instant sent = client.replay("latest-1", List.of(), "slow");
                assertThat(client.awaitReplayOutcome("latest-1", sent, Duration.ofSeconds(30)).orElseThrow()
                        .getType()).isEqualTo(JobEventType.JOB_REPLAYED);
                assertThat(braid(fleet, "result", "latest-1")).contains(
                        "Job latest-1: SUCCEEDED (completed by ALL, round 2)",
                        "  The latest of 2 rounds; earlier round 1 (braid result latest-1 --round N).");
                assertThat(braid(fleet, "result", "latest-1", "--round", "1")).contains(
                        "Job latest-1: PARTIAL (completed by ALL, round 1)",
                        "  Round 1 is not the job's latest: round 2 is (braid result latest-1).", "  b2 failed: ");
                JsonNode partial = JSON.readTree(braid(fleet, "result", "latest-1", "--round", "1", "--json"));
                assertThat(partial.path("round").asInt()).isEqualTo(1);
                assertThat(partial.path("status").asText()).isEqualTo("PARTIAL");
                assertThat(partial.path("branches").get(1).path("error").path("errorClass").asText()).isNotEmpty();
                assertThat(JSON.readTree(braid(fleet, "result", "latest-1", "--json")).path("status").asText())
                        .isEqualTo("SUCCEEDED");
                assertThat(client.awaitResult("latest-1", null, Duration.ofSeconds(10), null).orElseThrow()
                        .getRound()).as("the client's answer is the latest round").isEqualTo(2);
                assertThat(client.awaitResult("latest-1", 1, null, Duration.ofSeconds(10), null).orElseThrow()
                        .getStatus()).isEqualTo(JobStatus.PARTIAL);
            }

            assertThat(braid(fleet, "replay", "--job", "latest-2", "--model", "simulated", "--wait")).contains(
                    "latest-2: round 2 replays b2 on model simulated; kept b1 (already succeeded). Waiting for it "
                            + "to end...",
                    "Job latest-2: SUCCEEDED (completed by ALL, round 2)");
        }
    }

    private static List<String> events(LocalFleet fleet, String jobId, JobEventType type) {
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobEvents(), new AvroDeserializer<>(
                new SchemaRegistryClient(fleet.registryUrl()), JobEvent.class)).stream()
                .map(ConsumerRecord::value)
                .filter(e -> e.getJobId().equals(jobId) && e.getType() == type)
                .map(JobEvent::getMessage).toList();
    }
}

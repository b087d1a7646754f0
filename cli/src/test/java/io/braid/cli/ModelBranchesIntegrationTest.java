package io.braid.cli;

import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.AgentCall;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import io.braid.testing.FakeModelServer;
import io.braid.testing.JobFixtures;
import io.braid.worker.WorkerConfig;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LLM, AGENT and TOOL branches end to end on a real broker: workers configured from {@code examples/worker.yaml}
 * (simulated models, the document folder) plus a model "remote" served by a fake OpenAI-compatible server, and
 * the example travel tools loaded as a plugin jar. Every job file under {@code examples/} runs here.
 */
class ModelBranchesIntegrationTest {

    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final Path TRAVEL_PLUGIN = EXAMPLES.resolve("travel-tools/target/braid-travel-tools.jar");

    private static FakeModelServer provider;
    private static LocalFleet fleet;

    @BeforeAll
    static void start() throws Exception {
        assertThat(TRAVEL_PLUGIN).as("the travel tools plugin is built before the CLI's tests (mvn verify builds "
                + "modules in order)").exists();
        provider = FakeModelServer.start().fallback(ModelBranchesIntegrationTest::answer);
        Path key = Files.createTempFile("braid-remote-key", ".txt");
        Files.writeString(key, "sk-from-file\n");
        key.toFile().deleteOnExit();
        WorkerConfig examples = WorkerConfig.load(EXAMPLES.resolve("worker.yaml"));
        Map<String, ModelSpec> models = new LinkedHashMap<>(examples.models());
        models.put("remote", new ModelSpec(ModelProvider.OPENAI, provider.baseUrl() + "/v1", "gpt-fake", null,
                key.toString(), null, null, null, Duration.ofSeconds(10), null, null));
        WorkerConfig config = new WorkerConfig(examples.defaultModel(), models, examples.tools());
        fleet = LocalFleet.start(2, w -> w.config(config).toolPlugins(List.of(TRAVEL_PLUGIN)));
        fleet.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    /**
     * The fake provider: asked with tools and no tool result yet, it calls the calculator; with a tool result, it
     * answers with it; otherwise it answers plainly.
     */
    private static FakeModelServer.Reply answer(FakeModelServer.Received request) {
        var body = request.json();
        var messages = body.path("messages");
        var last = messages.get(messages.size() - 1);
        if (last.path("role").asText().equals("tool")) {
            return FakeModelServer.openAiAnswer("gpt-fake-0001", "The result is " + last.path("content").asText(),
                    50, 8);
        }
        if (body.has("tools")) {
            return FakeModelServer.openAiToolCall("gpt-fake-0001", "call_1", "calculator",
                    "{\"expression\":\"12*12\"}");
        }
        return FakeModelServer.openAiAnswer("gpt-fake-0001", "Plain answer to: " + last.path("content").asText(),
                20, 6);
    }

    private static JobResult run(JobRequest job) {
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            client.submit(job);
            Optional<JobResult> result = client.awaitResult(job.getJobId(), null, Duration.ofSeconds(60), e -> { });
            assertThat(result).as("result of " + job.getJobId()).isPresent();
            return result.get();
        }
    }

    @Test
    void llmAgentAndToolBranchesOfOneJobRunOnTheConfiguredProviderAndReportModelTokensAndToolCalls() {
        JobRequest job = JobRequest.newBuilder()
                .setJobId("models-" + System.nanoTime())
                .setInputs(Map.of("question", "What is 12 squared?", "doc", "{\"answer\": 144}"))
                .setBranches(List.of(
                        BranchSpec.newBuilder().setBranchId("ask").setKind(BranchKind.LLM)
                                .setLlm(LlmCall.newBuilder().setModel("remote").setUserPrompt("{{question}}").build())
                                .build(),
                        BranchSpec.newBuilder().setBranchId("agent").setKind(BranchKind.AGENT)
                                .setAgent(AgentCall.newBuilder().setModel("remote").setPrompt("{{question}}")
                                        .setTools(List.of("calculator")).build())
                                .build(),
                        JobFixtures.toolBranch("lookup", "json_extract",
                                "{\"document\": \"{{doc}}\", \"path\": \"$.answer\"}")))
                .build();

        JobResult result = run(job);

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        BranchOutcome ask = outcome(result, "ask");
        assertThat(ask.getOutput()).isEqualTo("Plain answer to: What is 12 squared?");
        assertThat(ask.getModel()).isEqualTo("remote");
        assertThat(ask.getProviderModel()).isEqualTo("gpt-fake-0001");
        assertThat(ask.getUsage().getInputTokens()).isEqualTo(20);
        assertThat(ask.getLatencyMs()).isNotNull();
        BranchOutcome agent = outcome(result, "agent");
        assertThat(agent.getOutput()).isEqualTo("The result is 144");
        assertThat(agent.getToolCalls()).singleElement()
                .satisfies(call -> assertThat(call.getName() + " -> " + call.getOutput()).isEqualTo("calculator -> 144"));
        assertThat(agent.getUsage().getOutputTokens()).isEqualTo(10 + 8);
        assertThat(outcome(result, "lookup").getOutput()).isEqualTo("144");
        assertThat(provider.received()).allSatisfy(r -> assertThat(r.header("Authorization"))
                .isEqualTo("Bearer sk-from-file"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"report.json", "report-parts.json", "information-gathering.json", "trip.json",
            "ab-variants.json", "nested.json"})
    void everyExampleJobRuns(String file) {
        JobResult result = run(ValidJobFiles.read(EXAMPLES.resolve(file)));

        assertThat(result.getStatus()).as(file + ": " + result.getBranches()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.getOutput()).isNotBlank();
        assertThat(result.getAggregationError()).isNull();
        switch (file) {
            case "trip.json" -> {
                assertThat(result.getOutput()).contains("\"id\":\"BR101\"").contains("Fjord View")
                        .contains("Nobel Peace Prize concert").contains("Trip LYS -> OSL on 2026-12-11, 3 nights");
                assertThat(outcome(result, "advice").getToolCalls()).extracting(c -> c.getName())
                        .containsExactly("event_search");
            }
            case "information-gathering.json" -> {
                assertThat(outcome(result, "share_groups").getOutput()).contains("share-groups.md");
                assertThat(outcome(result, "failure_handling").getOutput()).contains("rate-limits.md");
                assertThat(outcome(result, "researcher").getToolCalls()).extracting(c -> c.getName())
                        .containsExactly("search_documents");
            }
            case "report-parts.json" -> assertThat(result.getOutput()).startsWith("# [simulated]")
                    .contains("## Architecture\n[simulated] model 'smart'");
            case "ab-variants.json" -> assertThat(result.getOutput()).containsPattern("\"selected\":\"variant_[abc]\"");
            default -> assertThat(result.getBranches()).allSatisfy(b ->
                    assertThat(b.getStatus()).isEqualTo(BranchStatus.SUCCEEDED));
        }
    }

    private static BranchOutcome outcome(JobResult result, String branchId) {
        return result.getBranches().stream().filter(b -> b.getBranchId().equals(branchId)).findFirst().orElseThrow();
    }
}

package io.braid.worker.internal.models;

import com.fasterxml.jackson.databind.JsonNode;
import io.braid.schema.AgentCall;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.LlmCall;
import io.braid.testing.FakeModelServer.Reply;
import io.braid.testing.FakeModelServer;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.braid.worker.ProgressListener;
import io.braid.worker.RetryPolicy;
import io.braid.worker.WorkerConfig;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.execute.AgentBranchExecutor;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.execute.Cancellations;
import io.braid.worker.internal.execute.LlmBranchExecutor;
import io.braid.worker.internal.tools.ToolRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.braid.testing.FakeModelServer.anthropicAnswer;
import static io.braid.testing.FakeModelServer.ollamaAnswer;
import static io.braid.testing.FakeModelServer.openAiAnswer;
import static io.braid.testing.FakeModelServer.openAiError;
import static io.braid.testing.FakeModelServer.openAiToolCall;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * LLM and AGENT branches through langchain4j's real HTTP and JSON path, against a fake provider server on
 * 127.0.0.1 speaking the OpenAI, Ollama and Anthropic wire formats; failures go through the worker's real retry
 * loop ({@link BranchRunner}) with the backoff recorded instead of slept.
 */
class ProviderModelsTest {

    private static final Map<String, String> ENV = Map.of("FAKE_OPENAI_KEY", "sk-test-123",
            "FAKE_ANTHROPIC_KEY", "ak-test-456");

    private final FakeModelServer server = FakeModelServer.start();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final ManualClock clock = new ManualClock(JobFixtures.T0);
    private final List<Duration> waits = new ArrayList<>();

    @AfterEach
    void tearDown() {
        calls.shutdownNow();
        server.close();
    }

    private ModelSpec openAi(Duration timeout) {
        return new ModelSpec(ModelProvider.OPENAI, server.baseUrl() + "/v1", "gpt-fake", "FAKE_OPENAI_KEY", null,
                null, 0.2, null, timeout, null, null);
    }

    private BranchRunner runner(ModelSpec spec) {
        ModelRegistry models = ChatModels.build(new WorkerConfig("fast", Map.of("fast", spec), ToolSettings.defaults()),
                ENV::get, false, clock);
        ToolRegistry tools = ToolRegistry.builtIns(ToolSettings.defaults(), clock);
        return new BranchRunner(Map.of(BranchKind.LLM, new LlmBranchExecutor(models),
                BranchKind.AGENT, new AgentBranchExecutor(models, tools)), calls,
                new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)), Duration.ofSeconds(20),
                Duration.ofMinutes(5), "worker-test", clock, wait -> {
                    waits.add(wait);
                    clock.advance(wait);
                }, ProgressListener.NONE, new Cancellations());
    }

    private static BranchTask llmTask(String userPrompt) {
        return BranchTask.newBuilder().setJobId("job-1").setDispatchedAt(JobFixtures.T0)
                .setInputs(Map.of("city", "Lyon")).setMetadata(Map.of("team", "travel"))
                .setBranch(BranchSpec.newBuilder().setBranchId("b1").setKind(BranchKind.LLM)
                        .setLlm(LlmCall.newBuilder().setModel("fast").setSystemPrompt("You help the {{metadata.team}} team.")
                                .setUserPrompt(userPrompt).build()).build())
                .build();
    }

    @Test
    void plainChatSendsTheFilledPromptsWithTheKeyAndRecordsModelUsageAndLatency() throws Exception {
        server.enqueue(openAiAnswer("gpt-fake-2026-01-01", "Lyon is lovely in spring.", 31, 7));

        BranchResult result = runner(openAi(null)).run(llmTask("When to visit {{city}}?"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getOutput()).isEqualTo("Lyon is lovely in spring.");
        assertThat(result.getModel()).isEqualTo("fast");
        assertThat(result.getProviderModel()).isEqualTo("gpt-fake-2026-01-01");
        assertThat(result.getUsage().getInputTokens()).isEqualTo(31);
        assertThat(result.getUsage().getOutputTokens()).isEqualTo(7);
        assertThat(result.getLatencyMs()).isNotNull().isGreaterThanOrEqualTo(0L);
        FakeModelServer.Received request = server.received().getFirst();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-123");
        JsonNode body = request.json();
        assertThat(body.path("model").asText()).isEqualTo("gpt-fake");
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo("You help the travel team.");
        assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("When to visit Lyon?");
    }

    @Test
    void agentCallsTheToolTheModelAsksForAndAnswersWithItsResult() throws Exception {
        server.enqueue(openAiToolCall("gpt-fake", "call_1", "calculator", "{\"expression\":\"6*7\"}"),
                openAiAnswer("gpt-fake", "The answer is 42.", 40, 6));
        BranchTask task = BranchTask.newBuilder().setJobId("job-2").setDispatchedAt(JobFixtures.T0)
                .setBranch(BranchSpec.newBuilder().setBranchId("agent").setKind(BranchKind.AGENT)
                        .setAgent(AgentCall.newBuilder().setPrompt("What is 6 times 7?")
                                .setTools(List.of("calculator", "current_time")).setMaxSteps(3).build()).build())
                .build();

        BranchResult result = runner(openAi(null)).run(task);

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getOutput()).isEqualTo("The answer is 42.");
        assertThat(result.getToolCalls()).singleElement().satisfies(call -> {
            assertThat(call.getName()).isEqualTo("calculator");
            assertThat(call.getArgumentsJson()).isEqualTo("{\"expression\":\"6*7\"}");
            assertThat(call.getOutput()).isEqualTo("42");
            assertThat(call.getError()).isNull();
        });
        assertThat(result.getUsage().getInputTokens()).isEqualTo(20 + 40);
        assertThat(result.getUsage().getOutputTokens()).isEqualTo(10 + 6);
        List<FakeModelServer.Received> requests = server.received();
        assertThat(requests).hasSize(2);
        JsonNode first = requests.get(0).json();
        assertThat(first.path("tools")).extracting(tool -> tool.path("function").path("name").asText())
                .containsExactly("calculator", "current_time");
        JsonNode toolMessage = requests.get(1).json().path("messages").get(2);
        assertThat(toolMessage.path("role").asText()).isEqualTo("tool");
        assertThat(toolMessage.path("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(toolMessage.path("content").asText()).isEqualTo("42");
    }

    @Test
    void agentToldOfABadToolCallCanCorrectItselfAndTheCallIsRecordedAsFailed() throws Exception {
        server.enqueue(openAiToolCall("gpt-fake", "call_1", "calculator", "{\"expr\":\"1+1\"}"),
                openAiToolCall("gpt-fake", "call_2", "calculator", "{\"expression\":\"1+1\"}"),
                openAiAnswer("gpt-fake", "2", 10, 1));
        BranchTask task = BranchTask.newBuilder().setJobId("job-3").setDispatchedAt(JobFixtures.T0)
                .setBranch(BranchSpec.newBuilder().setBranchId("agent").setKind(BranchKind.AGENT)
                        .setAgent(AgentCall.newBuilder().setPrompt("1+1?").setTools(List.of("calculator")).build())
                        .build())
                .build();

        BranchResult result = runner(openAi(null)).run(task);

        assertThat(result.getOutput()).isEqualTo("2");
        assertThat(result.getToolCalls()).hasSize(2);
        assertThat(result.getToolCalls().get(0).getError()).contains("missing required argument 'expression'");
        assertThat(result.getToolCalls().get(1).getOutput()).isEqualTo("2");
        assertThat(server.received().get(1).json().path("messages").get(2).path("content").asText())
                .startsWith("error: tool 'calculator': missing required argument 'expression'");
    }

    @Test
    void agentThatKeepsAskingForToolsFailsAfterItsStepsWithoutRetrying() throws Exception {
        server.fallback(request -> openAiToolCall("gpt-fake", "call", "current_time", "{}"));
        BranchTask task = BranchTask.newBuilder().setJobId("job-4").setDispatchedAt(JobFixtures.T0)
                .setBranch(BranchSpec.newBuilder().setBranchId("agent").setKind(BranchKind.AGENT)
                        .setAgent(AgentCall.newBuilder().setPrompt("loop").setTools(List.of("current_time"))
                                .setMaxSteps(2).build()).build())
                .build();

        BranchResult result = runner(openAi(null)).run(task);

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getError().getErrorClass()).isEqualTo("AgentStepLimitException");
        assertThat(result.getError().getRetriable()).isFalse();
        assertThat(server.received()).hasSize(3); // two tool steps, then a third turn still asking
    }

    @Test
    void rateLimitWithRetryAfterIsRetriedNoSoonerThanAsked() throws Exception {
        server.enqueue(openAiError(429, "rate_limit_exceeded", "slow down").withHeader("Retry-After", "7"),
                openAiAnswer("gpt-fake", "fine now", 5, 2));

        BranchResult result = runner(openAi(null)).run(llmTask("hello"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getAttempt()).isEqualTo(2);
        assertThat(result.getFirstFailedAt()).isNotNull();
        assertThat(waits).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void a_401_echoing_the_key_fails_without_the_key_in_the_result() throws Exception {
        server.enqueue(openAiError(401, "invalid_request_error", "Incorrect API key provided: sk-test-123. "
                + "Also tried Bearer sk-test-123 and api_key=ghp_abcdefghijklmnopqrstuvwxyz"));

        BranchResult result = runner(openAi(null)).run(llmTask("hello"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getError().getRetriable()).isFalse();
        assertThat(result.getError().getMessage()).contains("Incorrect API key provided: [redacted]")
                .doesNotContain("sk-test-123").doesNotContain("ghp_");
    }

    @Test
    void a_proxy_password_in_the_base_url_is_in_no_error_or_description() throws Exception {
        server.enqueue(openAiError(401, "invalid_request_error", "no"));
        ModelSpec behindProxy = new ModelSpec(ModelProvider.OPENAI, server.baseUrl().replace("://",
                "://proxy:pr0xy-pass@") + "/v1", "gpt-fake", "FAKE_OPENAI_KEY", null, null, null, null, null, null,
                null);

        BranchResult result = runner(behindProxy).run(llmTask("hello"));

        assertThat(result.getError().getMessage()).contains("HTTP 401").doesNotContain("pr0xy-pass");
        assertThat(behindProxy.toString()).contains("proxy:***@").doesNotContain("pr0xy-pass");
    }

    @Test
    void serverErrorIsRetriedThenSucceeds() throws Exception {
        server.enqueue(openAiError(500, "server_error", "boom"), openAiAnswer("gpt-fake", "recovered", 5, 1));

        BranchResult result = runner(openAi(null)).run(llmTask("hello"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getOutput()).isEqualTo("recovered");
        assertThat(result.getAttempt()).isEqualTo(2);
        assertThat(waits).hasSize(1);
    }

    @Test
    void authenticationFailureIsNotRetried() throws Exception {
        server.enqueue(openAiError(401, "invalid_api_key", "Incorrect API key provided"));

        BranchResult result = runner(openAi(null)).run(llmTask("hello"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getAttempt()).isEqualTo(1);
        assertThat(result.getError().getErrorClass()).isEqualTo("AuthenticationException");
        assertThat(result.getError().getRetriable()).isFalse();
        assertThat(result.getError().getMessage()).contains("Incorrect API key").doesNotContain("sk-test-123");
        assertThat(server.received()).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void unknownModelAndTooLongContextAreNotRetried() throws Exception {
        server.enqueue(openAiError(404, "model_not_found", "The model 'gpt-fake' does not exist"),
                openAiError(400, "context_length_exceeded", "This model's maximum context length is 8192 tokens"));

        BranchResult notFound = runner(openAi(null)).run(llmTask("hello"));
        BranchResult tooLong = runner(openAi(null)).run(llmTask("a very long prompt"));

        assertThat(notFound.getError().getErrorClass()).isEqualTo("ModelNotFoundException");
        assertThat(notFound.getError().getRetriable()).isFalse();
        assertThat(tooLong.getError().getErrorClass()).isEqualTo("InvalidRequestException");
        assertThat(tooLong.getError().getMessage()).contains("maximum context length");
        assertThat(tooLong.getError().getRetriable()).isFalse();
        assertThat(server.received()).hasSize(2);
    }

    @Test
    void aModelThatDoesNotAnswerInTimeIsARetriableTimeout() throws Exception {
        server.fallback(request -> openAiAnswer("gpt-fake", "too late", 1, 1).after(Duration.ofSeconds(30)));
        BranchTask task = BranchTask.newBuilder(llmTask("hello"))
                .setBranch(BranchSpec.newBuilder(llmTask("hello").getBranch()).setMaxAttempts(2).build()).build();

        BranchResult result = runner(openAi(Duration.ofMillis(300))).run(task);

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getAttempt()).isEqualTo(2);
        assertThat(result.getError().getErrorClass()).isEqualTo("TimeoutException");
        assertThat(result.getError().getRetriable()).isTrue();
        assertThat(server.received()).hasSize(2);
    }

    @Test
    void aResponseThatIsNotTheApisJsonIsRetriedAsMalformed() throws Exception {
        server.enqueue(Reply.json(200, "<html><body>502 Bad Gateway</body></html>"),
                openAiAnswer("gpt-fake", "ok", 1, 1));

        BranchResult result = runner(openAi(null)).run(llmTask("hello"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getAttempt()).isEqualTo(2);
        server.enqueue(Reply.json(200, "{\"choices\": [{\"message\": "));
        BranchTask once = BranchTask.newBuilder(llmTask("hello"))
                .setBranch(BranchSpec.newBuilder(llmTask("hello").getBranch()).setMaxAttempts(1).build()).build();
        BranchResult failed = runner(openAi(null)).run(once);
        assertThat(failed.getError().getErrorClass()).isEqualTo("MalformedResponseException");
        assertThat(failed.getError().getMessage()).contains("model 'fast'").contains("not its API's JSON");
        assertThat(failed.getError().getRetriable()).isTrue();
    }

    @Test
    void aMissingTemplateVariableFailsAtOnceNamingIt() throws Exception {
        BranchResult result = runner(openAi(null)).run(llmTask("Weather in {{country}}?"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getError().getRetriable()).isFalse();
        assertThat(result.getError().getMessage()).contains("{{country}}").contains("no input 'country'");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void ollamaNativeChat() throws Exception {
        server.enqueue(ollamaAnswer("llama3.2:latest", "Bonjour!", 12, 3));
        ModelSpec ollama = new ModelSpec(ModelProvider.OLLAMA, server.baseUrl(), "llama3.2", null, null, null, null,
                64, null, null, null);

        BranchResult result = runner(ollama).run(llmTask("Say hello in French"));

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(result.getOutput()).isEqualTo("Bonjour!");
        assertThat(result.getUsage().getInputTokens()).isEqualTo(12);
        assertThat(result.getUsage().getOutputTokens()).isEqualTo(3);
        FakeModelServer.Received request = server.received().getFirst();
        assertThat(request.path()).isEqualTo("/api/chat");
        assertThat(request.json().path("model").asText()).isEqualTo("llama3.2");
        assertThat(request.json().path("stream").asBoolean(true)).isFalse();
        assertThat(request.json().path("options").path("num_predict").asInt()).isEqualTo(64);
    }

    @Test
    void ollamaModelNotFoundIsNotRetried() throws Exception {
        server.enqueue(Reply.json(404, "{\"error\":\"model 'llama9' not found, try pulling it first\"}"));
        ModelSpec ollama = new ModelSpec(ModelProvider.OLLAMA, server.baseUrl(), "llama9", null, null, null, null,
                null, null, null, null);

        BranchResult result = runner(ollama).run(llmTask("hi"));

        assertThat(result.getError().getErrorClass()).isEqualTo("ModelNotFoundException");
        assertThat(result.getError().getMessage()).contains("try pulling it first");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void anthropicMessagesApi() throws Exception {
        server.enqueue(anthropicAnswer("claude-fake-1", "Hello from Claude.", 9, 4));
        ModelSpec anthropic = new ModelSpec(ModelProvider.ANTHROPIC, server.baseUrl() + "/v1/", "claude-fake",
                "FAKE_ANTHROPIC_KEY", null, null, null, null, null, null, null);

        BranchResult result = runner(anthropic).run(llmTask("hi"));

        assertThat(result.getOutput()).isEqualTo("Hello from Claude.");
        assertThat(result.getProviderModel()).isEqualTo("claude-fake-1");
        assertThat(result.getUsage().getInputTokens()).isEqualTo(9);
        FakeModelServer.Received request = server.received().getFirst();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.header("x-api-key")).isEqualTo("ak-test-456");
        assertThat(request.json().path("system").toString()).contains("You help the travel team.");
    }

    @Test
    void aProviderThatCannotBeReachedIsRetriable() throws Exception {
        ModelSpec nowhere = new ModelSpec(ModelProvider.OPENAI, "http://127.0.0.1:1/v1", "gpt-fake", null, null,
                null, null, null, Duration.ofSeconds(2), null, null);
        BranchTask once = BranchTask.newBuilder(llmTask("hello"))
                .setBranch(BranchSpec.newBuilder(llmTask("hello").getBranch()).setMaxAttempts(1).build()).build();

        BranchResult result = runner(nowhere).run(once);

        assertThat(result.getStatus()).isEqualTo(BranchStatus.FAILED);
        assertThat(result.getError().getRetriable()).isTrue();
        assertThat(result.getError().getMessage()).contains("cannot reach http://127.0.0.1:1");
    }
}

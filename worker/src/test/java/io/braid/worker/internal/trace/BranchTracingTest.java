package io.braid.worker.internal.trace;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.braid.schema.AgentCall;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.testing.JobFixtures;
import io.braid.worker.ProgressListener;
import io.braid.worker.RetryPolicy;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.worker.internal.execute.AgentBranchExecutor;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.execute.Cancellations;
import io.braid.worker.internal.flow.ModelFlow;
import io.braid.worker.internal.models.ModelRegistry;
import io.braid.worker.internal.tools.ToolRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent branch run under a task's traceparent: the attempt span continues it, and the model calls and the tool
 * calls — two at once, each on a thread of its own — are its children, with their GenAI attributes.
 */
class BranchTracingTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TASK_SPAN = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void tearDown() {
        calls.shutdownNow();
        sdk.close();
    }

    /** Asks for two calculator calls at once, then answers with their results. */
    private static ModelRegistry toolAskingModel() {
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                if (request.messages().getLast() instanceof ToolExecutionResultMessage) {
                    return ChatResponse.builder().aiMessage(AiMessage.from("done")).modelName("fake-1")
                            .tokenUsage(new TokenUsage(30, 2)).build();
                }
                return ChatResponse.builder().aiMessage(AiMessage.from(List.of(
                        ToolExecutionRequest.builder().id("c1").name("calculator")
                                .arguments("{\"expression\": \"1+1\"}").build(),
                        ToolExecutionRequest.builder().id("c2").name("calculator")
                                .arguments("{\"expression\": \"2+2\"}").build())))
                        .modelName("fake-1").tokenUsage(new TokenUsage(12, 5)).build();
            }
        };
        return ModelFlow.unlimited().wrap(new ModelRegistry(Map.of("fake", model), "fake"));
    }

    private BranchResult run(OpenTelemetry openTelemetry) throws InterruptedException {
        BranchRunner runner = new BranchRunner(Map.of(BranchKind.AGENT, new AgentBranchExecutor(toolAskingModel(),
                ToolRegistry.builtIns(), ToolSettings.Agent.defaults())), calls, RetryPolicy.defaults(),
                Duration.ofSeconds(30), Duration.ofMinutes(1), "worker-t", Clock.systemUTC(), wait -> { },
                ProgressListener.NONE, new Cancellations());
        BranchTask task = BranchTask.newBuilder().setJobId("job").setDispatchedAt(JobFixtures.T0)
                .setBranch(BranchSpec.newBuilder().setBranchId("agent").setKind(BranchKind.AGENT)
                        .setAgent(AgentCall.newBuilder().setPrompt("add").setTools(List.of("calculator")).build())
                        .build()).build();
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", ("00-" + TRACE + "-" + TASK_SPAN + "-01").getBytes(StandardCharsets.UTF_8));
        try (Scope scope = BranchTracing.of(openTelemetry).enter(headers)) {
            return runner.run(task);
        }
    }

    private List<SpanData> named(String prefix) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith(prefix)).toList();
    }

    @Test
    void an_agents_model_and_parallel_tool_calls_are_children_of_its_attempt_in_the_tasks_trace() throws Exception {
        BranchResult result = run(sdk);

        assertThat(result.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        assertThat(spans.getFinishedSpanItems()).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE));
        SpanData attempt = named("attempt").getFirst();
        assertThat(attempt.getName()).isEqualTo("attempt agent");
        assertThat(attempt.getParentSpanId()).isEqualTo(TASK_SPAN);
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("braid.branch.status"))).isEqualTo("SUCCEEDED");
        assertThat(named("chat ")).hasSize(2).allSatisfy(chat -> {
            assertThat(chat.getParentSpanId()).isEqualTo(attempt.getSpanId());
            assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("fake-1");
        });
        assertThat(named("chat ")).extracting(c -> c.getAttributes().get(AttributeKey.longKey(
                "gen_ai.usage.input_tokens"))).containsExactlyInAnyOrder(12L, 30L);
        assertThat(named("execute_tool calculator")).hasSize(2)
                .allSatisfy(tool -> assertThat(tool.getParentSpanId()).isEqualTo(attempt.getSpanId()))
                .extracting(tool -> tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.call.id")))
                .containsExactlyInAnyOrder("c1", "c2");
    }

    @Test
    void with_tracing_off_no_context_is_bound_and_no_header_written_even_for_a_traced_task() throws Exception {
        BranchTracing off = BranchTracing.of(OpenTelemetry.noop());
        assertThat(off).isSameAs(BranchTracing.OFF);
        RecordHeaders task = new RecordHeaders();
        task.add("traceparent", ("00-" + TRACE + "-" + TASK_SPAN + "-01").getBytes(StandardCharsets.UTF_8));
        try (Scope scope = off.enter(task)) {
            assertThat(BranchTracing.current().on()).isFalse();
            assertThat(io.opentelemetry.api.trace.Span.current().getSpanContext().isValid()).isFalse();
            RecordHeaders result = new RecordHeaders();
            off.inject(result);
            assertThat(result.toArray()).isEmpty();
        }
        assertThat(run(OpenTelemetry.noop()).getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
    }
}

package io.braid.cli;

import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import io.braid.testing.FakeModelServer;
import io.braid.testing.JobFixtures;
import io.braid.worker.RetryPolicy;
import io.braid.worker.WorkerConfig;
import io.braid.worker.internal.config.ModelProvider;
import io.braid.worker.internal.config.ModelSpec;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace per job, on a real broker: orchestrator and workers in one JVM, both tracing into the SDK's in-memory
 * exporter, models served by a fake OpenAI-compatible server that fails branch "flaky"'s first call (503, retried).
 * The submitter's traceparent is continued; a garbage one starts a new trace and the job still succeeds.
 */
class TracingIntegrationTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SUBMITTER_SPAN = "00f067aa0ba902b7";

    private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private static OpenTelemetrySdk sdk;
    private static FakeModelServer provider;
    private static LocalFleet fleet;
    private static final java.util.Set<String> flakyPrompts = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        provider = FakeModelServer.start().fallback(TracingIntegrationTest::answer);
        Path key = Files.createTempFile("braid-tracing-key", ".txt");
        Files.writeString(key, "sk-tracing-test\n");
        key.toFile().deleteOnExit();
        ModelSpec remote = new ModelSpec(ModelProvider.OPENAI, provider.baseUrl() + "/v1", "gpt-fake", null,
                key.toString(), null, null, null, Duration.ofSeconds(10), null, null);
        WorkerConfig config = new WorkerConfig("remote", Map.of("remote", remote),
                WorkerConfig.simulatedOnly(Duration.ZERO, Duration.ZERO).tools());
        fleet = LocalFleet.start(2, w -> w.config(config).openTelemetry(sdk)
                        .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), 1.0, Duration.ofMillis(10))),
                o -> o.openTelemetry(sdk));
        fleet.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable part : new AutoCloseable[] {fleet, provider, sdk}) { // the fleet first: it flushes spans
            if (part != null) {
                part.close();
            }
        }
    }

    /** Each job's branch "flaky" fails its first call (503); everything else answers with fixed token counts. */
    private static FakeModelServer.Reply answer(FakeModelServer.Received request) {
        var messages = request.json().path("messages");
        String prompt = messages.get(messages.size() - 1).path("content").asText();
        if (prompt.startsWith("Say something flaky") && flakyPrompts.add(prompt)) {
            return FakeModelServer.openAiError(503, "server_error", "overloaded, try again");
        }
        if (prompt.contains("Combine")) {
            return FakeModelServer.openAiAnswer("gpt-fake-0002", "combined", 40, 3);
        }
        return FakeModelServer.openAiAnswer("gpt-fake-0001", "answer to " + prompt, 20, 6);
    }

    private static JobRequest job(String jobId) {
        return JobRequest.newBuilder()
                .setJobId(jobId)
                .setBranches(List.of(
                        llm("steady", "Say something steady."),
                        llm("flaky", "Say something flaky for " + jobId + "."),
                        JobFixtures.toolBranch("math", "calculator", "{\"expression\": \"6 * 7\"}")))
                .setAggregation(AggregationSpec.newBuilder().setStrategy(AggregationStrategy.SYNTHESIZE)
                        .setModel("remote").setPrompt("Combine these answers into one.").build())
                .build();
    }

    private static BranchSpec llm(String branchId, String prompt) {
        return BranchSpec.newBuilder().setBranchId(branchId).setKind(BranchKind.LLM)
                .setLlm(LlmCall.newBuilder().setModel("remote").setUserPrompt(prompt).build()).build();
    }

    private static JobResult submitAndAwait(JobRequest job, String traceparent) {
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            client.submit(job, traceparent);
            Optional<JobResult> result = client.awaitResult(job.getJobId(), null, Duration.ofSeconds(60), e -> { });
            assertThat(result).as("result of " + job.getJobId()).isPresent();
            return result.get();
        }
    }

    /** The spans of {@code jobId}'s trace once its join span is in: every span carrying the job's id, and theirs. */
    private static List<SpanData> traceOf(String jobId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<SpanData> all = spans.getFinishedSpanItems();
            Optional<SpanData> join = all.stream().filter(s -> s.getName().equals("join")
                    && jobId.equals(s.getAttributes().get(AttributeKey.stringKey("braid.job.id")))).findFirst();
            return join.map(j -> all.stream().filter(s -> s.getTraceId().equals(j.getTraceId())).toList())
                    .orElse(List.of());
        }, list -> !list.isEmpty());
    }

    private static SpanData only(List<SpanData> trace, String name) {
        List<SpanData> named = trace.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named '%s' in %s", name, names(trace)).hasSize(1);
        return named.get(0);
    }

    private static List<SpanData> children(List<SpanData> trace, SpanData parent, String namePrefix) {
        return trace.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())
                && s.getName().startsWith(namePrefix)).toList();
    }

    private static List<String> names(List<SpanData> trace) {
        return trace.stream().map(SpanData::getName).sorted().toList();
    }

    private static String attr(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static Long number(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.longKey(key));
    }

    @Test
    void a_three_branch_job_with_a_retry_is_one_trace_continuing_the_submitters_traceparent() {
        String jobId = "traced-" + System.nanoTime();

        JobResult result = submitAndAwait(job(jobId), "00-" + TRACE_ID + "-" + SUBMITTER_SPAN + "-01");

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.getMetadata().get("braid.traceparent")).contains(TRACE_ID);
        List<SpanData> trace = traceOf(jobId);
        assertThat(trace).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(TRACE_ID));

        SpanData dispatch = only(trace, "dispatch");
        assertThat(dispatch.getParentSpanId()).isEqualTo(SUBMITTER_SPAN);
        assertThat(attr(dispatch, "braid.job.id")).isEqualTo(jobId);
        assertThat(attr(dispatch, "messaging.system")).isEqualTo("kafka");
        assertThat(number(dispatch, "braid.tasks.published")).isEqualTo(3L);

        SpanData steady = only(trace, "attempt steady");
        assertThat(steady.getParentSpanId()).isEqualTo(dispatch.getSpanId());
        assertThat(number(steady, "braid.attempt")).isEqualTo(1L);
        assertThat(attr(steady, "braid.branch.status")).isEqualTo("SUCCEEDED");
        assertThat(attr(steady, "braid.worker")).startsWith("worker-");
        SpanData chat = children(trace, steady, "chat ").getFirst();
        assertThat(chat.getName()).isEqualTo("chat gpt-fake");
        assertThat(attr(chat, "gen_ai.operation.name")).isEqualTo("chat");
        assertThat(attr(chat, "gen_ai.system")).isEqualTo("openai");
        assertThat(attr(chat, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(attr(chat, "gen_ai.request.model")).isEqualTo("gpt-fake");
        assertThat(attr(chat, "gen_ai.response.model")).isEqualTo("gpt-fake-0001");
        assertThat(number(chat, "gen_ai.usage.input_tokens")).isEqualTo(20L);
        assertThat(number(chat, "gen_ai.usage.output_tokens")).isEqualTo(6L);

        List<SpanData> flaky = trace.stream().filter(s -> s.getName().equals("attempt flaky"))
                .sorted(java.util.Comparator.comparing(s -> number(s, "braid.attempt"))).toList();
        assertThat(flaky).hasSize(2).allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(dispatch.getSpanId()));
        assertThat(flaky).extracting(s -> number(s, "braid.attempt") + " " + attr(s, "braid.branch.status"))
                .containsExactly("1 FAILED", "2 SUCCEEDED");
        assertThat(children(trace, flaky.get(0), "chat ")).singleElement()
                .satisfies(failed -> assertThat(failed.getStatus().getStatusCode().name()).isEqualTo("ERROR"));
        assertThat(children(trace, flaky.get(1), "chat ")).singleElement()
                .satisfies(ok -> assertThat(number(ok, "gen_ai.usage.output_tokens")).isEqualTo(6L));

        SpanData math = only(trace, "attempt math");
        assertThat(children(trace, math, "execute_tool")).singleElement().satisfies(tool -> {
            assertThat(tool.getName()).isEqualTo("execute_tool calculator");
            assertThat(attr(tool, "gen_ai.operation.name")).isEqualTo("execute_tool");
            assertThat(attr(tool, "gen_ai.tool.name")).isEqualTo("calculator");
        });

        SpanData aggregate = only(trace, "aggregate");
        assertThat(aggregate.getParentSpanId()).isEqualTo(dispatch.getSpanId());
        SpanData finalAttempt = only(trace, "attempt __aggregate");
        assertThat(finalAttempt.getParentSpanId()).isEqualTo(aggregate.getSpanId());
        assertThat(children(trace, finalAttempt, "chat ")).singleElement()
                .satisfies(c -> assertThat(number(c, "gen_ai.usage.input_tokens")).isEqualTo(40L));

        SpanData join = only(trace, "join");
        assertThat(join.getParentSpanId()).isEqualTo(dispatch.getSpanId());
        assertThat(attr(join, "braid.job.status")).isEqualTo("SUCCEEDED");
        assertThat(attr(join, "braid.completed_by")).isEqualTo("ALL");
        assertThat(attr(join, "braid.aggregation.strategy")).isEqualTo("SYNTHESIZE");
    }

    @Test
    void a_nested_job_submitted_under_the_applications_current_span_is_one_trace_with_a_dispatch_per_job() {
        String jobId = "nested-traced-" + System.nanoTime();
        JobRequest job = io.braid.client.JobFiles.parse("""
                {"jobId": "%s", "branches": [
                  {"branchId": "outer", "kind": "TOOL", "tool": {"name": "calculator", "argumentsJson": {"expression": "1 + 1"}}},
                  {"branchId": "inner", "kind": "JOB", "job": {"branches": [
                    {"branchId": "deep", "kind": "TOOL", "tool": {"name": "calculator", "argumentsJson": {"expression": "2 * 3"}}}]}}]}
                """.formatted(jobId), "nested");
        io.opentelemetry.api.trace.Span request = sdk.getTracer("test-app").spanBuilder("handle request").startSpan();
        JobResult result;
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics());
             io.opentelemetry.context.Scope scope = request.makeCurrent()) {
            client.submit(job); // the current span's traceparent goes with it
            result = client.awaitResult(jobId, null, Duration.ofSeconds(60), e -> { }).orElseThrow();
        } finally {
            request.end();
        }

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        List<SpanData> trace = traceOf(jobId);
        assertThat(trace).allSatisfy(span -> assertThat(span.getTraceId())
                .isEqualTo(request.getSpanContext().getTraceId()));
        List<SpanData> dispatches = trace.stream().filter(s -> s.getName().equals("dispatch")).toList();
        assertThat(dispatches).hasSize(2);
        SpanData parent = dispatches.stream().filter(s -> jobId.equals(attr(s, "braid.job.id"))).findFirst()
                .orElseThrow();
        SpanData child = dispatches.stream().filter(s -> (jobId + "/inner").equals(attr(s, "braid.job.id")))
                .findFirst().orElseThrow();
        assertThat(parent.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanId());
        assertThat(only(trace, "attempt outer").getParentSpanId()).isEqualTo(parent.getSpanId());
        assertThat(only(trace, "attempt deep").getParentSpanId()).isEqualTo(child.getSpanId());
        assertThat(trace).filteredOn(s -> s.getName().equals("join")).extracting(SpanData::getParentSpanId)
                .containsExactlyInAnyOrder(parent.getSpanId(), child.getSpanId());
    }

    @Test
    void a_clients_16_kb_tracestate_reaches_no_record_of_the_job() {
        String jobId = "tracestate-" + System.nanoTime();
        io.opentelemetry.api.trace.TraceStateBuilder state = io.opentelemetry.api.trace.TraceState.builder();
        for (int i = 0; i < 32; i++) { // the largest tracestate W3C allows: 32 members of 256 + 256 characters
            state.put("k" + String.format("%03d", i) + "x".repeat(252), "v".repeat(256));
        }
        io.opentelemetry.api.trace.SpanContext caller = io.opentelemetry.api.trace.SpanContext.createFromRemoteParent(
                "5cf92f3577b34da6a3ce929d0e0e4737", SUBMITTER_SPAN, // a trace of its own: traceOf reads by trace
                io.opentelemetry.api.trace.TraceFlags.getSampled(), state.build());
        JobResult result;
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics());
             io.opentelemetry.context.Scope scope = io.opentelemetry.context.Context.root()
                     .with(io.opentelemetry.api.trace.Span.wrap(caller)).makeCurrent()) {
            client.submit(job(jobId)); // the current context, tracestate and all, goes with it
            result = client.awaitResult(jobId, null, Duration.ofSeconds(60), e -> { }).orElseThrow();
        }

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.getMetadata()).doesNotContainKey("braid.tracestate");
        List<SpanData> trace = traceOf(jobId);
        assertThat(only(trace, "dispatch").getParentSpanId()).isEqualTo(SUBMITTER_SPAN);
        assertThat(names(trace)).contains("attempt steady", "attempt math", "aggregate", "join");
        assertThat(trace).allSatisfy(span -> assertThat(span.getSpanContext().getTraceState().isEmpty())
                .as("trace state of " + span.getName()).isTrue());
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> tasks = io.braid.testing.TestKafka
                .readAll(fleet.bootstrapServers(), fleet.topics().tasks(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())
                .stream().filter(r -> jobId.equals(r.key())).toList();
        assertThat(tasks).hasSizeGreaterThanOrEqualTo(4).allSatisfy(task -> {
            assertThat(task.headers().lastHeader("tracestate")).as("tracestate header").isNull();
            assertThat(task.headers().lastHeader("traceparent")).isNotNull();
        });
    }

    @Test
    void a_garbage_traceparent_is_ignored_the_job_gets_a_new_trace_and_succeeds() {
        String jobId = "garbage-trace-" + System.nanoTime();

        JobResult result = submitAndAwait(job(jobId), "00-not-a-trace-\u0000\u202e-01");

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        List<SpanData> trace = traceOf(jobId);
        SpanData dispatch = only(trace, "dispatch");
        assertThat(dispatch.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(dispatch.getTraceId()).isNotEqualTo(TRACE_ID);
        assertThat(names(trace)).contains("attempt steady", "attempt math", "join");
        assertThat(result.getMetadata().get("braid.traceparent")).contains(dispatch.getTraceId());
    }
}

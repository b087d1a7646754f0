package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.Delivery;
import io.braid.orchestrator.JoinSettings;
import io.braid.orchestrator.internal.trace.JobTracing;
import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The join's spans and headers, with TopologyTestDriver: the job's trace comes from its manifest's metadata, so a
 * deadline (no input record) still closes the job's trace; a final aggregation task goes out under an aggregate span;
 * with tracing off nothing is added.
 */
class JoinTracingTest {

    private static final Instant NOW = Instant.parse("2026-02-01T10:00:00Z");
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String DISPATCH_SPAN = "00f067aa0ba902b7";
    private static final JoinSettings SETTINGS = new JoinSettings(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(45), Duration.ofSeconds(1));

    private final Topics topics = Topics.defaults();
    private final ManualClock clock = new ManualClock(NOW);
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private TopologyTestDriver driver;
    private TestInputTopic<String, JobManifest> manifests;
    private TestInputTopic<String, BranchResult> results;
    private TestOutputTopic<String, JobResult> jobResults;
    private TestOutputTopic<String, BranchTask> tasks;

    private void start(OpenTelemetry openTelemetry) {
        driver = new TopologyTestDriver(AggregatorTopology.build(topics, registry, clock, SETTINGS,
                Delivery.EXACTLY_ONCE, new AggregatorErrors.DeadLetters(), new JobMeters(),
                JobTracing.of(openTelemetry)));
        manifests = driver.createInputTopic(topics.manifests(), new StringSerializer(), new AvroSerializer<>(registry));
        results = driver.createInputTopic(topics.results(), new StringSerializer(), new AvroSerializer<>(registry));
        jobResults = driver.createOutputTopic(topics.jobResults(), new StringDeserializer(),
                new AvroDeserializer<>(registry, JobResult.class));
        tasks = driver.createOutputTopic(topics.tasks(), new StringDeserializer(),
                new AvroDeserializer<>(registry, BranchTask.class));
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        sdk.close();
    }

    /** A manifest as a tracing dispatcher writes it: the dispatch span's context in its metadata. */
    private static JobManifest traced(String jobId, Long deadlineMs, AggregationSpec aggregation, String... branches) {
        return JobManifest.newBuilder(JobFixtures.manifest(jobId, branches)).setSubmittedAt(NOW).setDispatchedAt(NOW)
                .setMetadata(Map.of("team", "a", "braid.traceparent", "00-" + TRACE + "-" + DISPATCH_SPAN + "-01"))
                .setCompletion(CompletionPolicy.newBuilder().setDeadlineMs(deadlineMs).build())
                .setAggregation(aggregation).build();
    }

    private static String traceparent(Headers headers) {
        Header header = headers.lastHeader("traceparent");
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private SpanData span(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void a_job_ended_by_its_deadline_gets_its_join_span_under_the_dispatch_from_the_manifest() {
        start(sdk);
        manifests.pipeInput("late", traced("late", 1_000L, AggregationSpec.newBuilder().build(), "a", "b"));
        results.pipeInput("late", JobFixtures.succeeded("late", "a", "A"));

        clock.advance(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        TestRecord<String, JobResult> result = jobResults.readRecord();
        assertThat(result.value().getCompletedBy()).isEqualTo("DEADLINE");
        SpanData join = span("join");
        assertThat(join.getTraceId()).isEqualTo(TRACE);
        assertThat(join.getParentSpanId()).isEqualTo(DISPATCH_SPAN);
        assertThat(join.getAttributes().get(AttributeKey.stringKey("braid.join.trigger"))).isEqualTo("deadline");
        assertThat(join.getAttributes().get(AttributeKey.stringKey("braid.job.status"))).isEqualTo("PARTIAL");
        assertThat(traceparent(result.headers())).isEqualTo("00-" + TRACE + "-" + join.getSpanId() + "-01");
    }

    @Test
    void a_final_aggregation_task_goes_out_under_an_aggregate_span_the_worker_continues() {
        start(sdk);
        manifests.pipeInput("synth", traced("synth", null, AggregationSpec.newBuilder()
                .setStrategy(AggregationStrategy.SYNTHESIZE).setModel("judge").build(), "a", "b"));
        results.pipeInput("synth", JobFixtures.succeeded("synth", "a", "A"));
        results.pipeInput("synth", JobFixtures.succeeded("synth", "b", "B"));

        TestRecord<String, BranchTask> task = tasks.readRecord();
        assertThat(task.value().getBranch().getBranchId()).isEqualTo(FinalAggregation.BRANCH_ID);
        SpanData aggregate = span("aggregate");
        assertThat(aggregate.getParentSpanId()).isEqualTo(DISPATCH_SPAN);
        assertThat(aggregate.getAttributes().get(AttributeKey.stringKey("braid.model"))).isEqualTo("judge");
        assertThat(traceparent(task.headers())).isEqualTo("00-" + TRACE + "-" + aggregate.getSpanId() + "-01");
        assertThat(jobResults.isEmpty()).as("the job completes with the final task's result").isTrue();
    }

    @Test
    void with_tracing_off_the_join_adds_no_header_and_no_span() {
        start(OpenTelemetry.noop());
        manifests.pipeInput("quiet", traced("quiet", null, AggregationSpec.newBuilder()
                .setStrategy(AggregationStrategy.SYNTHESIZE).setModel("judge").build(), "a"));
        results.pipeInput("quiet", JobFixtures.succeeded("quiet", "a", "A"));
        results.pipeInput("quiet", JobFixtures.result("quiet", FinalAggregation.BRANCH_ID,
                io.braid.schema.BranchStatus.SUCCEEDED, "all"));

        assertThat(tasks.readRecord().headers().toArray()).isEmpty();
        assertThat(jobResults.readRecord().headers().toArray()).isEmpty();
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}

package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.Delivery;
import io.braid.orchestrator.JoinSettings;
import io.braid.orchestrator.internal.aggregate.Aggregation;
import io.braid.orchestrator.internal.aggregate.AggregatorErrors;
import io.braid.orchestrator.internal.aggregate.AggregatorTopology;
import io.braid.orchestrator.internal.aggregate.JobMeters;
import io.braid.orchestrator.internal.trace.JobTracing;
import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.json.AvroJson;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's {@code tracestate} (valid W3C, up to ~16 KB) is not passed on: the job's trace continues its
 * {@code traceparent} only, so every task the dispatcher and the join publish, the manifest's metadata, the tasks'
 * and the job result's metadata carry a traceparent (55 characters) and nothing of the tracestate — whatever its size,
 * however many branches the job has (see docs/TRACING.md).
 */
class ForeignTraceStateTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_TRACEPARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";
    /** What one record may carry of the trace: a traceparent header, its key and 55 characters. */
    private static final int BOUND = "traceparent".length() + CLIENT_TRACEPARENT.length();

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private final JobTracing tracing = JobTracing.of(sdk);

    @AfterEach
    void tearDown() {
        sdk.close();
    }

    /** 32 members of a 256-character key and a 256-character value: the largest tracestate W3C allows. */
    private static String largestTracestate() {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            members.add("k" + String.format("%03d", i) + "x".repeat(252) + "=" + "v".repeat(256));
        }
        return String.join(",", members);
    }

    private List<ProducerRecord<String, byte[]>> dispatch(JobRequest job, String tracestate) {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", CLIENT_TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        headers.add("tracestate", tracestate.getBytes(StandardCharsets.UTF_8));
        byte[] json = AvroJson.toJson(job).toString().getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(topics.jobs(), 0, 7L, JobFixtures.T0.toEpochMilli(),
                TimestampType.CREATE_TIME, -1, json.length, job.getJobId(), json, headers, Optional.empty());
        JobRecords records = new JobRecords(topics, new JobDecoder(new AvroDeserializer<>(registry, JobRequest.class)),
                new JobValidator(Aggregation.SUPPORTED, 10_000), new AvroSerializer<>(registry),
                RecordLimits.defaults(), Long.MAX_VALUE);
        JobTracing.Dispatch dispatch = tracing.dispatch(record, JobRecords.dispatchId(record));
        try {
            return records.recordsFor(record, 6, JobFixtures.T0, dispatch);
        } finally {
            dispatch.end();
        }
    }

    private static int traceBytes(Headers headers) {
        int bytes = 0;
        for (Header header : headers) {
            if (header.key().startsWith("trace")) {
                bytes += header.key().length() + header.value().length;
            }
        }
        return bytes;
    }

    private static int tracestateBytes(Headers headers) {
        Header header = headers.lastHeader("tracestate");
        return header == null ? 0 : header.value().length;
    }

    private static String traceparent(Headers headers) {
        Header header = headers.lastHeader("traceparent");
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The trace's part of {@code metadata}: its braid.trace* entries, keys and values. */
    private static int traceBytes(Map<String, String> metadata) {
        return metadata.entrySet().stream().filter(e -> e.getKey().startsWith("braid.trace"))
                .mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
    }

    private static void assertBounded(String what, Headers headers, Map<String, String> metadata) {
        assertThat(tracestateBytes(headers)).as(what + ": tracestate header").isZero();
        assertThat(traceparent(headers)).as(what + ": continues the client's trace").startsWith("00-" + TRACE + "-");
        assertThat(traceBytes(headers)).as(what + ": trace headers").isLessThanOrEqualTo(BOUND);
        assertThat(metadata).as(what + ": metadata").doesNotContainKey("braid.tracestate");
        assertThat(traceBytes(metadata)).as(what + ": trace metadata")
                .isLessThanOrEqualTo("braid.".length() + BOUND);
    }

    @Test
    void a_16_kb_tracestate_reaches_no_task_manifest_or_job_result() {
        String tracestate = largestTracestate();
        assertThat(tracestate.length()).isGreaterThan(16_000);
        JobRequest job = JobFixtures.llmJob("ts", 4);
        job.setMaxConcurrency(2); // the join publishes b3 and b4 later, from the manifest it keeps
        job.setAggregation(AggregationSpec.newBuilder().setStrategy(AggregationStrategy.SYNTHESIZE)
                .setModel("judge").build());

        List<ProducerRecord<String, byte[]>> out = dispatch(job, tracestate);

        ProducerRecord<String, byte[]> manifestRecord = out.stream()
                .filter(r -> r.topic().equals(topics.manifests())).findFirst().orElseThrow();
        JobManifest manifest = new AvroDeserializer<>(registry, JobManifest.class)
                .deserialize(topics.manifests(), manifestRecord.value());
        assertThat(manifest.getRejection()).isNull();
        assertThat(tracestateBytes(manifestRecord.headers())).isZero();
        assertThat(traceBytes(manifestRecord.headers())).isLessThanOrEqualTo(BOUND);
        List<ProducerRecord<String, byte[]>> tasks = out.stream().filter(r -> r.topic().equals(topics.tasks())).toList();
        assertThat(tasks).hasSize(2);
        for (ProducerRecord<String, byte[]> task : tasks) {
            BranchTask value = new AvroDeserializer<>(registry, BranchTask.class).deserialize(topics.tasks(),
                    task.value());
            assertBounded("dispatched task " + value.getBranch().getBranchId(), task.headers(), value.getMetadata());
        }
        assertThat(manifest.getMetadata().get("braid.traceparent")).startsWith("00-" + TRACE + "-");
        assertThat(manifest.getMetadata()).doesNotContainKey("braid.tracestate");
        assertThat(traceBytes(manifest.getMetadata())).isLessThanOrEqualTo("braid.".length() + BOUND);

        join(manifest);
    }

    /** Runs the join on {@code manifest} to its result: its later tasks, final aggregation and result are bounded. */
    private void join(JobManifest manifest) {
        JoinSettings settings = new JoinSettings(Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(45), Duration.ofSeconds(1));
        try (TopologyTestDriver driver = new TopologyTestDriver(AggregatorTopology.build(topics, registry,
                new ManualClock(JobFixtures.T0), settings, Delivery.EXACTLY_ONCE, new AggregatorErrors.DeadLetters(),
                new JobMeters(), tracing))) {
            driver.createInputTopic(topics.manifests(), new StringSerializer(), new AvroSerializer<JobManifest>(
                    registry)).pipeInput("ts", manifest);
            TestInputTopic<String, BranchResult> results = driver.createInputTopic(topics.results(),
                    new StringSerializer(), new AvroSerializer<>(registry));
            for (String branch : List.of("b1", "b2", "b3", "b4", "__aggregate")) {
                results.pipeInput("ts", JobFixtures.result("ts", branch, BranchStatus.SUCCEEDED, branch));
            }
            List<TestRecord<String, BranchTask>> published = driver.createOutputTopic(topics.tasks(),
                    new StringDeserializer(), new AvroDeserializer<>(registry, BranchTask.class)).readRecordsToList();
            assertThat(published).extracting(t -> t.value().getBranch().getBranchId())
                    .containsExactly("b3", "b4", "__aggregate");
            for (TestRecord<String, BranchTask> task : published) {
                assertBounded("joined task " + task.value().getBranch().getBranchId(), task.headers(),
                        task.value().getMetadata());
            }
            TestRecord<String, JobResult> result = driver.createOutputTopic(topics.jobResults(),
                    new StringDeserializer(), new AvroDeserializer<>(registry, JobResult.class)).readRecord();
            assertThat(result.value().getStatus().name()).isEqualTo("SUCCEEDED");
            assertBounded("job result", result.headers(), result.value().getMetadata());
        }
    }
}

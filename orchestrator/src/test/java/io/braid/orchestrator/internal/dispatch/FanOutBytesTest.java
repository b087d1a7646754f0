package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.internal.aggregate.Aggregation;
import io.braid.orchestrator.internal.trace.JobTracing;
import io.braid.schema.DeadLetterHeaders;
import io.braid.schema.JobRequest;
import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.json.AvroJson;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** --max-fan-out-bytes counts what the tasks carry besides their values: the trace headers of a traced job. */
class FanOutBytesTest {

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build()).build();

    @AfterEach
    void tearDown() {
        sdk.close();
    }

    private List<ProducerRecord<String, byte[]>> dispatch(JobRequest job, long maxFanOutBytes, boolean traced) {
        byte[] json = AvroJson.toJson(job).toString().getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(topics.jobs(), 0, 7L,
                JobFixtures.T0.toEpochMilli(), TimestampType.CREATE_TIME, -1, json.length, job.getJobId(), json,
                new RecordHeaders(), Optional.empty());
        JobRecords records = new JobRecords(topics, new JobDecoder(new AvroDeserializer<>(registry, JobRequest.class)),
                new JobValidator(Aggregation.SUPPORTED, 10_000), new AvroSerializer<>(registry),
                RecordLimits.defaults(), maxFanOutBytes);
        JobTracing.Dispatch dispatch = traced ? JobTracing.of(sdk).dispatch(record, JobRecords.dispatchId(record))
                : JobTracing.Dispatch.NONE;
        try {
            return records.recordsFor(record, 6, JobFixtures.T0, dispatch);
        } finally {
            dispatch.end();
        }
    }

    @Test
    void a_traced_job_whose_task_values_just_fit_is_refused_for_its_headers() {
        JobRequest job = JobFixtures.llmJob("traced", 40);
        long values = dispatch(job, Long.MAX_VALUE, false).stream().filter(r -> r.topic().equals(topics.tasks()))
                .mapToLong(r -> r.value().length).sum();

        assertThat(dispatch(job, values, false)).extracting(ProducerRecord::topic).contains(topics.tasks());
        List<ProducerRecord<String, byte[]>> traced = dispatch(job, values, true);
        assertThat(traced).extracting(ProducerRecord::topic).doesNotContain(topics.tasks())
                .contains(topics.jobsDeadLetter());
        assertThat(new String(traced.get(0).headers().lastHeader(DeadLetterHeaders.ERROR).value(),
                StandardCharsets.UTF_8)).contains("more than " + values + " bytes (--max-fan-out-bytes)");
    }
}

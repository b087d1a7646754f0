package io.braid.cli;

import io.braid.schema.DeadLetterHeaders;

import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A corpus of bad job records, each between two valid jobs, produced with a raw producer as any client might:
 * every bad one goes to the jobs dead-letter topic with its original bytes and the right reason (class, message,
 * field), a bad one whose jobId can be read also gets a FAILED JobResult, and every valid job completes.
 */
class BadJobRecordTest {

    /** A bad record: its bytes, the error class and words the reason must carry, the field, a readable jobId. */
    private record Bad(String key, byte[] value, String errorClass, String reason, String field, boolean readableId) {
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String toolBranch(String id) {
        return "{\"branchId\": \"" + id + "\", \"kind\": \"TOOL\", \"tool\": {\"name\": \"calculator\", "
                + "\"argumentsJson\": {\"expression\": \"6*7\"}}}";
    }

    private static byte[] job(String jobId, String rest) {
        return utf8("{\"jobId\": \"" + jobId + "\"" + rest + "}");
    }

    private static List<Bad> corpus(byte[] branchResultRecord) {
        String manyBranches = IntStream.range(0, 1001).mapToObj(i -> toolBranch("b" + i))
                .collect(Collectors.joining(", ", ", \"branches\": [", "]"));
        return List.of(
                new Bad("bad-01", new byte[0], "UnreadableRecord", "empty record value", null, false),
                new Bad("bad-02", new byte[] {7, 1, 2}, "UnreadableRecord", "first byte 0x07", null, false),
                new Bad("bad-03", utf8("[1, 2, 3]"), "UnreadableRecord", "first byte 0x5b", null, false),
                new Bad("bad-04", ByteBuffer.allocate(9).put((byte) 0).putInt(99_999).putInt(42).array(),
                        "UnknownSchema", "cannot fetch writer schema id 99999", null, false),
                new Bad("bad-05", branchResultRecord, "UnknownSchema", "cannot be read as io.braid.schema.JobRequest",
                        null, false),
                new Bad("bad-06", utf8("{not json"), "SchemaMismatch", "JSON", null, false),
                new Bad("bad-07", job("bad-07", ""), "SchemaMismatch", "branches", "branches", true),
                new Bad("bad-08", job("bad-08", ", \"branches\": []"), "InvalidJob", "branches is empty", "branches",
                        true),
                new Bad("bad-09", job("bad-09", ", \"branches\": [" + toolBranch("a") + ", " + toolBranch("a") + "]"),
                        "InvalidJob", "'a' is used twice", "branches[1].branchId", true),
                new Bad("bad-10", job("bad-10", ", \"branches\": [{\"branchId\": \"a\", \"kind\": \"LMM\"}]"),
                        "SchemaMismatch", "expected one of [LLM, TOOL, AGENT, JOB], got \"LMM\"", "branches[0].kind",
                        true),
                new Bad("bad-11", job("bad-11", ", \"branches\": [{\"branchId\": \"a\", \"kind\": \"LLM\", "
                        + "\"tool\": {\"name\": \"calculator\"}}]"), "InvalidJob", "set exactly the 'llm' field",
                        "branches[0]", true),
                new Bad("bad-12", job("bad-12", ", \"branches\": [" + toolBranch("a") + "], \"completion\": "
                        + "{\"mode\": \"QUORUM\", \"quorum\": 5}"), "InvalidJob", "completion.quorum 5 must be between",
                        "completion.quorum", true),
                new Bad("bad-13", job("bad-13", ", \"branches\": [{\"branchId\": \"a\", \"kind\": \"TOOL\", "
                        + "\"timeoutMs\": -5, \"tool\": {\"name\": \"calculator\"}}]"), "InvalidJob",
                        "timeoutMs -5 must be positive", "branches[0].timeoutMs", true),
                new Bad("bad-14", job("bad-14", ", \"branches\": [" + toolBranch("a") + "], \"aggregation\": "
                        + "{\"strategy\": \"TEMPLATE\"}"), "InvalidJob", "aggregation.template is missing",
                        "aggregation.template", true),
                new Bad("bad-15", job("bad-15", ", \"inputs\": {\"huge\": \"" + "x".repeat(300_000) + "\"}, "
                        + "\"branches\": [" + toolBranch("a") + "]"), "TooLarge", "accepts jobs up to 204800 bytes",
                        null, false),
                new Bad("bad-16", job("bad-16", manyBranches), "InvalidJob", "accepts up to 1000 per job", "branches",
                        true),
                new Bad("bad-17", job("bad-17", ", \"branches\": [" + toolBranch("__mine") + "]"), "InvalidJob",
                        "Braid reserves", "branches[0].branchId", true),
                new Bad("bad-18", job("bad-18", ", \"branches\": [" + toolBranch("a") + "], \"aggregation\": "
                        + "{\"strategy\": \"SELECT\", \"scorer\": \"prettiest\"}"), "InvalidJob",
                        "aggregation.scorer 'prettiest' is unknown", "aggregation.scorer", true),
                new Bad("bad-19", job("bad-19", ", \"branches\": \"three of them\""), "SchemaMismatch", "branches",
                        "branches", true));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void every_bad_record_is_dead_lettered_with_its_reason_and_the_valid_jobs_around_them_complete() throws Exception {
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ZERO, Duration.ofMillis(5)),
                o -> o.maxJobBytes(200 * 1024).maxBranches(1000))) {
            fleet.awaitReady(Duration.ofSeconds(60));
            byte[] branchResult = new AvroSerializer<>(new SchemaRegistryClient(fleet.registryUrl()))
                    .serialize(fleet.topics().results(), JobFixtures.succeeded("someone", "b", "not a job"));
            List<Bad> corpus = corpus(branchResult);
            List<String> validIds = new ArrayList<>();
            try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers(),
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i <= corpus.size(); i++) {
                    String validId = "valid-" + i;
                    validIds.add(validId);
                    raw.send(new ProducerRecord<>(fleet.topics().jobs(), validId,
                            job(validId, ", \"branches\": [" + toolBranch("m") + "]"))).get();
                    if (i < corpus.size()) {
                        Bad bad = corpus.get(i);
                        raw.send(new ProducerRecord<>(fleet.topics().jobs(), bad.key(), bad.value())).get();
                    }
                }
            }
            // an Avro job through the registry, as Braid's own client writes it, completes too
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                client.submit(JobFixtures.llmJob("avro-job", 2));
                validIds.add("avro-job");
            }

            AvroDeserializer<JobResult> results = new AvroDeserializer<>(new SchemaRegistryClient(fleet.registryUrl()),
                    JobResult.class);
            long rejectedWithId = corpus.stream().filter(Bad::readableId).count();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> TestKafka.readAll(
                    fleet.bootstrapServers(), fleet.topics().jobResults(), results).size()
                    == validIds.size() + rejectedWithId);
            Map<String, JobResult> byJob = TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobResults(),
                    results).stream().map(ConsumerRecord::value)
                    .collect(Collectors.toMap(JobResult::getJobId, Function.identity()));
            for (String validId : validIds) {
                assertThat(byJob.get(validId)).as(validId).isNotNull()
                        .extracting(JobResult::getStatus).isEqualTo(JobStatus.SUCCEEDED);
            }

            Map<String, ConsumerRecord<String, byte[]>> dead = TestKafka.readAll(fleet.bootstrapServers(),
                    fleet.topics().jobsDeadLetter(), new ByteArrayDeserializer()).stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, Function.identity()));
            assertThat(dead.keySet()).as("exactly the bad records")
                    .containsExactlyInAnyOrderElementsOf(corpus.stream().map(Bad::key).toList());
            for (Bad bad : corpus) {
                ConsumerRecord<String, byte[]> letter = dead.get(bad.key());
                assertThat(letter.value()).as(bad.key() + " keeps its bytes").isEqualTo(bad.value());
                assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS)).as(bad.key()).isEqualTo(bad.errorClass());
                assertThat(header(letter, DeadLetterHeaders.ERROR_MESSAGE)).as(bad.key()).contains(bad.reason());
                assertThat(header(letter, DeadLetterHeaders.ERROR_FIELD)).as(bad.key() + " field").isEqualTo(bad.field());
                if (bad.readableId()) {
                    JobResult rejected = byJob.get(bad.key());
                    assertThat(rejected).as(bad.key() + " gets a FAILED result").isNotNull();
                    assertThat(rejected.getStatus()).isEqualTo(JobStatus.FAILED);
                    assertThat(rejected.getCompletedBy()).isEqualTo("REJECTED");
                    assertThat(rejected.getRejection().getErrorClass()).isEqualTo(bad.errorClass());
                } else {
                    assertThat(byJob).doesNotContainKey(bad.key());
                }
            }
        }
    }
}

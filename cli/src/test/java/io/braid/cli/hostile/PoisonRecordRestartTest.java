package io.braid.cli.hostile;

import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.stack.EmbeddedStack;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.braid.cli.hostile.HostileRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Records that once stopped the aggregator for good — a child job's link with a round that is not a number, a
 * manifest that is not Avro — written straight onto its input topics: the aggregator dead-letters them, and an
 * orchestrator restarted on the same state reads past them again and serves jobs.
 */
class PoisonRecordRestartTest {

    @TempDir
    Path dir;

    @Test
    void an_orchestrator_restarted_after_poison_records_still_serves_jobs() throws Exception {
        Topics topics = Topics.defaults();
        try (EmbeddedStack stack = EmbeddedStack.start(dir.resolve("kafka"), 0, 0);
             Worker worker = Worker.start(WorkerOptions.builder(stack.bootstrapServers(), stack.registryUrl())
                     .simulatedLatency(Duration.ZERO, Duration.ofMillis(5)).build())) {
            try (Orchestrator first = start(stack)) {
                first.awaitRunning(Duration.ofSeconds(60));
                poison(stack, topics);
                submitAndAwait(stack, topics, "before-restart");
                assertThat(first.isRunning()).isTrue();
            }
            try (Orchestrator second = start(stack)) {
                second.awaitRunning(Duration.ofSeconds(60));
                submitAndAwait(stack, topics, "after-restart");
                assertThat(second.isRunning()).isTrue();
            }
            assertThat(TestKafka.readAll(stack.bootstrapServers(), topics.aggregatorDeadLetter(),
                    new ByteArrayDeserializer())).extracting(ConsumerRecord::key).contains("poison-manifest");
        }
    }

    private Orchestrator start(EmbeddedStack stack) {
        return Orchestrator.start(OrchestratorOptions.builder(stack.bootstrapServers(), stack.registryUrl())
                .partitions(3).instanceId("restarted").httpPort(-1).stateDir(dir.resolve("aggregator")).build());
    }

    /** A child job's manifest whose parent round is not a number, then its result; and bytes that are no manifest. */
    private static void poison(EmbeddedStack stack, Topics topics) throws Exception {
        AvroSerializer<org.apache.avro.specific.SpecificRecord> avro =
                new AvroSerializer<>(new SchemaRegistryClient(stack.registryUrl()));
        JobManifest child = JobManifest.newBuilder(JobFixtures.manifest("poison-child", "b"))
                .setParentJobId("someone").setMetadata(Map.of("braid.parent.branchId", "b1",
                        "braid.parent.round", "not-a-number")).build();
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topics.manifests(), "poison-child",
                    avro.serialize(topics.manifests(), child))).get();
            raw.send(new ProducerRecord<>(topics.results(), "poison-child",
                    avro.serialize(topics.results(), JobFixtures.succeeded("poison-child", "b", "x")))).get();
            raw.send(new ProducerRecord<>(topics.manifests(), "poison-manifest", utf8("{\"jobId\": 1}"))).get();
        }
    }

    private static void submitAndAwait(EmbeddedStack stack, Topics topics, String jobId) {
        try (io.braid.client.BraidClient client = new io.braid.client.BraidClient(stack.bootstrapServers(),
                stack.registryUrl(), topics)) {
            client.submit(JobFixtures.llmJob(jobId, 2));
        }
        AvroDeserializer<JobResult> results = new AvroDeserializer<>(new SchemaRegistryClient(stack.registryUrl()),
                JobResult.class);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(TestKafka.readAll(stack.bootstrapServers(), topics.jobResults(), results).stream()
                        .map(ConsumerRecord::value).filter(r -> r.getJobId().equals(jobId)))
                        .singleElement().extracting(JobResult::getStatus).isEqualTo(JobStatus.SUCCEEDED));
    }
}

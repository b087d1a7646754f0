package io.braid.cli.hostile;

import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.registry.EmbeddedSchemaRegistry;
import io.braid.registry.RegistryOptions;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.Subjects;
import io.braid.stack.EmbeddedKafkaBroker;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A schema registry that is away for 20 s while jobs are submitted — some in a schema version the dispatcher has not
 * seen, so it must ask the registry — loses nothing: the dispatcher reports not ready and waits, and once the
 * registry is back every job completes, with nothing dead-lettered.
 */
class RegistryOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void jobs_submitted_while_the_registry_is_away_complete_once_it_is_back() throws Exception {
        Topics topics = Topics.defaults();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(
                dir.resolve("kafka"), 0, Map.of()))) {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                    RegistryOptions.defaults(broker.bootstrapServers()).withPort(0));
            int port = registry.port();
            String url = registry.url();
            try (Orchestrator orchestrator = Orchestrator.start(OrchestratorOptions.builder(broker.bootstrapServers(),
                    url).partitions(2).instanceId("outage").httpPort(-1).stateDir(dir.resolve("agg")).build());
                 Worker worker = Worker.start(WorkerOptions.builder(broker.bootstrapServers(), url)
                         .simulatedLatency(Duration.ZERO, Duration.ofMillis(5)).build());
                 KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                         new StringSerializer(), new ByteArraySerializer())) {
                orchestrator.awaitRunning(Duration.ofSeconds(60));
                try (io.braid.client.BraidClient client = new io.braid.client.BraidClient(
                        broker.bootstrapServers(), url, topics)) {
                    client.submit(JobFixtures.llmJob("warm-up", 1));
                }
                awaitSucceeded(broker, url, topics, List.of("warm-up"));
                Schema newer = newerJobRequestSchema();
                int newerId = new SchemaRegistryClient(url).register(Subjects.valueSubject(topics.jobs()), newer);

                registry.close();
                List<String> submitted = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    String newerJob = "newer-" + i;
                    String jsonJob = "json-" + i;
                    raw.send(new ProducerRecord<>(topics.jobs(), newerJob, wireFormat(newerId, newerJob)))
                            .get();
                    raw.send(new ProducerRecord<>(topics.jobs(), jsonJob, HostileRecords.job(jsonJob,
                            ", \"branches\": [" + HostileRecords.llmBranch("b1") + "]"))).get();
                    submitted.add(newerJob);
                    submitted.add(jsonJob);
                }
                await().atMost(OUTAGE).until(() -> !orchestrator.isRunning());
                await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(() -> !orchestrator.isRunning());

                registry = EmbeddedSchemaRegistry.start(RegistryOptions.defaults(broker.bootstrapServers())
                        .withPort(port));
                awaitSucceeded(broker, url, topics, submitted);
                await().atMost(Duration.ofSeconds(60)).until(orchestrator::isRunning);
                for (String deadLetters : List.of(topics.jobsDeadLetter(), topics.aggregatorDeadLetter(),
                        topics.tasksDeadLetter())) {
                    assertThat(TestKafka.readAll(broker.bootstrapServers(), deadLetters, new ByteArrayDeserializer()))
                            .as(deadLetters).isEmpty();
                }
            } finally {
                registry.close();
            }
        }
    }

    /** JobRequest with one more optional field, last: a version the dispatcher has not read before. */
    private static Schema newerJobRequestSchema() {
        String json = JobRequest.getClassSchema().toString();
        int fieldsEnd = json.lastIndexOf(']');
        return new Schema.Parser().parse(json.substring(0, fieldsEnd)
                + ",{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}" + json.substring(fieldsEnd));
    }

    /** A job in the newer schema: its fields as JobRequest writes them, then the note (union branch 1, a string). */
    private static byte[] wireFormat(int schemaId, String jobId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(JobRequest.class).write(JobFixtures.llmJob(jobId, 1), encoder);
        encoder.writeIndex(1);
        encoder.writeString("written in a newer schema");
        encoder.flush();
        return out.toByteArray();
    }

    private static void awaitSucceeded(EmbeddedKafkaBroker broker, String url, Topics topics, List<String> jobIds) {
        AvroDeserializer<JobResult> results = new AvroDeserializer<>(new SchemaRegistryClient(url), JobResult.class);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, JobStatus> statuses = new java.util.HashMap<>();
            for (ConsumerRecord<String, JobResult> record : TestKafka.readAll(broker.bootstrapServers(),
                    topics.jobResults(), results)) {
                statuses.put(record.value().getJobId(), record.value().getStatus());
            }
            jobIds.forEach(id -> assertThat(statuses.get(id)).as(id).isEqualTo(JobStatus.SUCCEEDED));
        });
    }
}

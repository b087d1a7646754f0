package io.braid.cli.hostile;

import io.braid.cli.stack.LocalFleet;
import io.braid.schema.DeadLetterHeaders;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.TestKafka;
import io.braid.worker.WorkerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static io.braid.cli.hostile.HostileRecords.job;
import static io.braid.cli.hostile.HostileRecords.quoted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's tool policy at the orchestrator, over a real broker: given the workers' config file, the dispatcher
 * refuses a job whose tenant may not use a tool it names — dead letter and FAILED result saying why — while the same
 * job of another tenant runs. The workers here have no policy, so the refusal is the dispatcher's.
 */
class PolicyAtDispatchTest {

    private static final String CONFIG = """
            defaultModel: fast
            models:
              fast: { provider: simulated }
            policy:
              default: allow
              tenants:
                interns: { tools: [calculator] }
            """;

    @TempDir
    Path dir;

    private static String branches() {
        return ", \"branches\": [{\"branchId\": \"sum\", \"kind\": \"TOOL\", \"tool\": {\"name\": \"calculator\", "
                + "\"argumentsJson\": {\"expression\": \"6*7\"}}}, {\"branchId\": \"pick\", \"kind\": \"TOOL\", "
                + "\"tool\": {\"name\": \"json_extract\", \"argumentsJson\": {\"document\": "
                + quoted("{\"a\": \"found\"}") + ", \"path\": \"$.a\"}}}]";
    }

    private static byte[] tenantJob(String jobId, String tenant) {
        return job(jobId, ", \"metadata\": {\"tenant\": " + quoted(tenant) + "}" + branches());
    }

    @Test
    void a_tenants_job_naming_a_denied_tool_is_refused_at_dispatch_while_another_tenants_runs() throws Exception {
        Path config = Files.writeString(dir.resolve("braid-worker.yaml"), CONFIG);
        try (LocalFleet fleet = LocalFleet.start(1, UnaryOperator.identity(),
                o -> o.policy(WorkerConfig.loadPolicy(config))).awaitReady(Duration.ofSeconds(60));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers()), new StringSerializer(),
                     new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(fleet.topics().jobs(), "intern-job", tenantJob("intern-job",
                    "interns"))).get();
            producer.send(new ProducerRecord<>(fleet.topics().jobs(), "research-job", tenantJob("research-job",
                    "research"))).get();

            AvroDeserializer<JobResult> results = new AvroDeserializer<>(
                    new SchemaRegistryClient(fleet.registryUrl()), JobResult.class);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                    assertThat(resultsByJob(fleet, results)).containsKeys("intern-job", "research-job"));
            Map<String, JobResult> byJob = resultsByJob(fleet, results);

            String reason = "job 'intern-job' refused: branch 'pick' (branches[1].tool.name): tool 'json_extract' "
                    + "is not allowed for tenant 'interns' by this orchestrator (policy.tenants.interns.tools: "
                    + "[calculator]); ask the operator to grant it, or use an allowed tool";
            JobResult refused = byJob.get("intern-job");
            assertThat(refused.getStatus()).isEqualTo(JobStatus.FAILED);
            assertThat(refused.getCompletedBy()).isEqualTo("REJECTED");
            assertThat(refused.getBranches()).as("nothing ran").isEmpty();
            assertThat(refused.getRejection().getErrorClass()).isEqualTo("PolicyRefused");
            assertThat(refused.getRejection().getMessage()).isEqualTo(reason);

            List<ConsumerRecord<String, byte[]>> dead = TestKafka.readAll(fleet.bootstrapServers(),
                    fleet.topics().jobsDeadLetter(), new ByteArrayDeserializer());
            assertThat(dead).singleElement().satisfies(letter -> {
                assertThat(letter.key()).isEqualTo("intern-job");
                assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("PolicyRefused");
                assertThat(header(letter, DeadLetterHeaders.ERROR_FIELD)).isEqualTo("branches[1].tool.name");
                assertThat(header(letter, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo(reason);
            });

            JobResult ran = byJob.get("research-job");
            assertThat(ran.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(ran.getBranches()).extracting(b -> b.getOutput()).containsExactly("42", "\"found\"");
        }
    }

    private static Map<String, JobResult> resultsByJob(LocalFleet fleet, AvroDeserializer<JobResult> results) {
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobResults(), results).stream()
                .map(ConsumerRecord::value).collect(Collectors.toMap(JobResult::getJobId, r -> r, (a, b) -> a));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}

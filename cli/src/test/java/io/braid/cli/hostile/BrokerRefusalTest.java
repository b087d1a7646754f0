package io.braid.cli.hostile;

import io.braid.schema.DeadLetterHeaders;

import io.braid.cli.stack.LocalFleet;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.braid.cli.hostile.HostileRecords.job;
import static io.braid.cli.hostile.HostileRecords.quoted;
import static io.braid.cli.hostile.HostileRecords.toolBranch;
import static io.braid.cli.hostile.HostileRecords.toolJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job whose records the broker refuses (its tasks topic takes smaller records than the job's tasks) is
 * dead-lettered and answered FAILED when its batch is read again — not retried for ever — and the jobs behind it
 * are dispatched.
 */
class BrokerRefusalTest {

    @Test
    void a_job_the_broker_refuses_is_answered_and_the_next_jobs_run() throws Exception {
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ZERO, Duration.ofMillis(5)))
                .awaitReady(Duration.ofSeconds(60));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers()));
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers()), new StringSerializer(),
                     new ByteArraySerializer())) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, fleet.topics().tasks()),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "4096"),
                            AlterConfigOp.OpType.SET)))).all().get();
            raw.send(new ProducerRecord<>(fleet.topics().jobs(), "too-big-for-the-topic", job("too-big-for-the-topic",
                    ", \"inputs\": {\"text\": " + quoted("x".repeat(8000)) + "}, \"branches\": ["
                            + toolBranch("b1") + "]"))).get();
            raw.send(new ProducerRecord<>(fleet.topics().jobs(), "small", toolJob("small"))).get();

            AvroDeserializer<JobResult> results = new AvroDeserializer<>(
                    new SchemaRegistryClient(fleet.registryUrl()), JobResult.class);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                    assertThat(TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobResults(), results)
                            .stream().map(r -> r.value().getJobId()).toList())
                            .contains("too-big-for-the-topic", "small"));
            Map<String, JobResult> byJob = TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobResults(),
                    results).stream().map(ConsumerRecord::value)
                    .collect(Collectors.toMap(JobResult::getJobId, Function.identity(), (a, b) -> a));
            assertThat(byJob.get("small").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            JobResult refused = byJob.get("too-big-for-the-topic");
            assertThat(refused.getStatus()).isEqualTo(JobStatus.FAILED);
            assertThat(refused.getRejection().getErrorClass()).isEqualTo("TooLarge");
            assertThat(refused.getRejection().getMessage()).contains("the broker refused the job's records",
                    "RecordTooLargeException");
            List<ConsumerRecord<String, byte[]>> dead = TestKafka.readAll(fleet.bootstrapServers(),
                    fleet.topics().jobsDeadLetter(), new ByteArrayDeserializer());
            assertThat(dead).singleElement().satisfies(letter -> assertThat(new String(letter.headers()
                    .lastHeader(DeadLetterHeaders.ERROR_CLASS).value(), StandardCharsets.UTF_8)).isEqualTo("TooLarge"));
            assertThat(fleet.orchestrator().isRunning()).isTrue();
        }
    }
}

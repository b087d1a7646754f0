package io.braid.cli.hostile;

import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.braid.cli.hostile.HostileRecords.job;
import static io.braid.cli.hostile.HostileRecords.toolBranch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Braid's topic settings against their jobs. A job must never outlive the records it waits for: a deadline longer than the work topics' retention is refused at
 * dispatch, naming the topic, and an orchestrator whose default deadline outlives a topic's retention refuses to
 * start — otherwise a task deleted before a worker took it would leave its job waiting for work nobody will do. And
 * the aggregator's changelogs roll segments hourly, so their disk use follows the live state.
 */
class TopicRetentionTest {

    private static final long HOUR_MS = 3_600_000;

    @Test
    void deadlines_longer_than_the_retention_are_refused_and_so_is_a_start_with_too_short_a_retention(
            @TempDir Path stateDir) throws Exception {
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ZERO, Duration.ofMillis(5)))
                .awaitReady(Duration.ofSeconds(60));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers()));
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers()), new StringSerializer(),
                     new ByteArraySerializer())) {
            // The broker's default retention is 7 days: a 30-day deadline outlives it, a 1-hour one does not.
            raw.send(new ProducerRecord<>(fleet.topics().jobs(), "thirty-days", deadlineJob("thirty-days",
                    30 * 24 * HOUR_MS))).get();
            raw.send(new ProducerRecord<>(fleet.topics().jobs(), "one-hour", deadlineJob("one-hour", HOUR_MS))).get();

            AvroDeserializer<JobResult> results = new AvroDeserializer<>(
                    new SchemaRegistryClient(fleet.registryUrl()), JobResult.class);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                    assertThat(byJob(fleet, results)).containsKeys("thirty-days", "one-hour"));
            Map<String, JobResult> byJob = byJob(fleet, results);
            assertThat(byJob.get("one-hour").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            JobResult refused = byJob.get("thirty-days");
            assertThat(refused.getStatus()).isEqualTo(JobStatus.FAILED);
            assertThat(refused.getRejection().getMessage()).contains("completion.deadlineMs 2592000000",
                    "retention.ms 604800000");

            // The changelogs roll hourly, so compaction reclaims finished jobs' state without waiting for 1 GiB.
            List<ConfigResource> changelogs = admin.listTopics().names().get().stream()
                    .filter(name -> name.endsWith("-changelog"))
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            assertThat(changelogs).isNotEmpty();
            assertThat(admin.describeConfigs(changelogs).all().get().values())
                    .allSatisfy(config -> assertThat(config.get("segment.ms").value()).isEqualTo("3600000"));

            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    fleet.topics().tasks()), List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "60000"),
                    AlterConfigOp.OpType.SET)))).all().get();
            OrchestratorOptions second = OrchestratorOptions.builder(fleet.bootstrapServers(), fleet.registryUrl())
                    .partitions(3).instanceId("second").httpPort(-1).stateDir(stateDir).build();
            assertThatThrownBy(() -> Orchestrator.start(second).close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("topic " + fleet.topics().tasks() + " keeps records for retention.ms 60000")
                    .hasMessageContaining("--default-job-deadline PT15M");
            assertThat(fleet.orchestrator().isRunning()).isTrue();
        }
    }

    private static byte[] deadlineJob(String jobId, long deadlineMs) {
        return job(jobId, ", \"completion\": {\"deadlineMs\": " + deadlineMs + "}, \"branches\": ["
                + toolBranch("b1") + "]");
    }

    private static Map<String, JobResult> byJob(LocalFleet fleet, AvroDeserializer<JobResult> results) {
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobResults(), results).stream()
                .map(ConsumerRecord::value)
                .collect(Collectors.toMap(JobResult::getJobId, Function.identity(), (a, b) -> a));
    }
}

package io.braid.cli;

import io.braid.cli.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.dispatch.Dispatcher;
import io.braid.schema.JobResult;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A malformed job record goes to the jobs dead-letter topic with its reason; the jobs around it still run. */
class BadJobRecordTest {

    @Test
    void malformed_job_is_dead_lettered_with_the_reason_and_neighbours_complete() throws Exception {
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ZERO, Duration.ofMillis(5)))) {
            fleet.awaitReady(Duration.ofSeconds(60));
            String jsonJob = "{\"jobId\": \"json-job\", \"branches\": [{\"branchId\": \"m\", \"kind\": \"TOOL\", "
                    + "\"tool\": {\"name\": \"calculator\", \"argumentsJson\": {\"expression\": \"6*7\"}}}]}";
            try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(fleet.topics().jobs(), "garbage", new byte[] {7, 1, 2})).get();
                raw.send(new ProducerRecord<>(fleet.topics().jobs(), "json-job",
                        jsonJob.getBytes(StandardCharsets.UTF_8))).get();
            }
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                client.submit(JobFixtures.llmJob("avro-job", 2));
                Optional<JobResult> json = client.awaitResult("json-job", null, Duration.ofSeconds(60), e -> { });
                Optional<JobResult> avro = client.awaitResult("avro-job", null, Duration.ofSeconds(60), e -> { });

                assertThat(json).get().extracting(JobResult::getOutput).isEqualTo("{\"m\":\"42\"}");
                assertThat(avro).isPresent();
            }
            List<ConsumerRecord<String, byte[]>> dead = TestKafka.readAll(fleet.bootstrapServers(),
                    fleet.topics().jobsDeadLetter(), new ByteArrayDeserializer());
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).key()).isEqualTo("garbage");
            assertThat(dead.get(0).value()).containsExactly(7, 1, 2);
            assertThat(new String(dead.get(0).headers().lastHeader(Dispatcher.ERROR_HEADER).value(),
                    StandardCharsets.UTF_8)).contains("first byte 0x07");
        }
    }
}

package io.braid.cli;

import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.BranchOutcome;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The low-latency mode end to end on a real broker: an at-least-once dispatcher (no transactions) and an
 * at-least-once aggregator that stamps a job result with the time of the record that completed it.
 */
class LowLatencyModeTest {

    private static LocalFleet fleet;

    @BeforeAll
    static void start() {
        fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ofMillis(5), Duration.ofMillis(30)),
                o -> o.delivery(io.braid.orchestrator.Delivery.LOW_LATENCY));
        fleet.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void jobsCompleteOnceEachStampedByTheInputsThatCompletedThem() {
        List<JobRequest> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            jobs.add(JobFixtures.llmJob("fast-" + i, 5));
        }
        jobs.add(JobRequest.newBuilder(ValidJobFiles.read(Path.of("..", "examples", "nested.json")))
                .setJobId("fast-nested").build());
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            jobs.forEach(client::submit);
            for (JobRequest job : jobs) {
                Optional<JobResult> result = client.awaitResult(job.getJobId(), null, Duration.ofSeconds(60),
                        e -> { });
                assertThat(result).as(job.getJobId()).isPresent();
                assertThat(result.get().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
                Instant lastFinish = result.get().getBranches().stream().map(BranchOutcome::getFinishedAt)
                        .max(Instant::compareTo).orElseThrow();
                // the completing input's time: its record time, or the last branch's finish when later (results
                // from several producers reach the partition out of timestamp order); never later than the join
                assertThat(result.get().getCompletedAt()).isAfterOrEqualTo(lastFinish)
                        .isBeforeOrEqualTo(Instant.now());
            }
        }
        AvroDeserializer<JobResult> deserializer = new AvroDeserializer<>(
                new SchemaRegistryClient(fleet.registryUrl()), JobResult.class);
        Map<String, Long> resultsPerJob = TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobResults(),
                        deserializer).stream().map(ConsumerRecord::value)
                .collect(Collectors.groupingBy(JobResult::getJobId, Collectors.counting()));
        assertThat(resultsPerJob).hasSize(jobs.size() + 1); // the nested job's child has a result of its own
        assertThat(resultsPerJob.values()).as("no crash, so no repeat").allMatch(count -> count == 1);
    }
}

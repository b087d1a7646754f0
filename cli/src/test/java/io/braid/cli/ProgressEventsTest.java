package io.braid.cli;

import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Workers started with progress events off write no per-branch events; the job still completes and says so. */
class ProgressEventsTest {

    @Test
    void withoutProgressEventsOnlyTheDispatcherAndTheAggregatorWriteJobEvents() {
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.progressEvents(false)
                .simulatedLatency(Duration.ofMillis(5), Duration.ofMillis(10)))) {
            fleet.awaitReady(Duration.ofSeconds(60));
            JobRequest job = JobFixtures.llmJob("quiet-1", 3);
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                client.submit(job);
                Optional<JobResult> result = client.awaitResult(job.getJobId(), null, Duration.ofSeconds(60), e -> { });
                assertThat(result).isPresent();
                assertThat(result.get().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            }
            List<JobEventType> events = TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobEvents(),
                            new AvroDeserializer<>(new SchemaRegistryClient(fleet.registryUrl()), JobEvent.class))
                    .stream().map(ConsumerRecord::value).filter(e -> e.getJobId().equals(job.getJobId()))
                    .map(JobEvent::getType).toList();
            assertThat(events).containsExactlyInAnyOrder(JobEventType.JOB_DISPATCHED, JobEventType.JOB_COMPLETED);
        }
    }
}

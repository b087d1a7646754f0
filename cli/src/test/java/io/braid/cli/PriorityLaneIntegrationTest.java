package io.braid.cli;

import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.schema.BranchTask;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Priority;
import io.braid.testing.JobFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fleet-wide priority on a real broker: a HIGH job's tasks take a lane of their own ({@code braid.tasks.high}),
 * which every worker reads beside the tasks topic, so a HIGH job submitted behind a deep backlog of other jobs'
 * tasks does not wait for it.
 */
class PriorityLaneIntegrationTest {

    private static final int BACKLOG_BRANCHES = 60;

    @Test
    void a_high_job_submitted_behind_a_backlog_completes_before_the_backlog_does() throws Exception {
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.maxInFlight(4).recordsPerPoll(2)
                .simulatedLatency(Duration.ofMillis(400), Duration.ofMillis(400)));
             BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            fleet.awaitReady(Duration.ofSeconds(60));
            Instant since = Instant.now();
            List<JobRequest> backlog = List.of(JobFixtures.llmJob("backlog-1", BACKLOG_BRANCHES),
                    JobFixtures.llmJob("backlog-2", BACKLOG_BRANCHES));
            backlog.forEach(job -> job.setMaxConcurrency(BACKLOG_BRANCHES)); // every task on the topic at once
            backlog.forEach(client::submit);
            JobRequest urgent = JobFixtures.llmJob("urgent", 2);
            urgent.setPriority(Priority.HIGH);
            client.submit(urgent);

            JobResult high = client.awaitResult("urgent", since, Duration.ofSeconds(60), e -> { }).orElseThrow();
            List<JobResult> rest = backlog.stream().map(job -> client.awaitResult(job.getJobId(), since,
                    Duration.ofSeconds(120), e -> { }).orElseThrow()).toList();

            assertThat(high.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            // 120 tasks of 400 ms on 4 slots take about 12 s; the HIGH job's 2 take one turn once polled.
            assertThat(rest).allSatisfy(normal -> assertThat(high.getCompletedAt())
                    .as("the HIGH job completed before " + normal.getJobId())
                    .isBefore(normal.getCompletedAt().minusSeconds(3)));
            List<ConsumerRecord<String, BranchTask>> highLane = TasksReadBack.read(fleet,
                    fleet.topics().tasksHigh(), BranchTask.class, Set.of("urgent", "backlog-1", "backlog-2"));
            assertThat(highLane).extracting(ConsumerRecord::key).containsOnly("urgent").hasSize(2);
        }
    }
}

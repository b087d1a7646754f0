package io.braid.cli;

import io.braid.cli.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import io.braid.worker.Worker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole flow on a real in-process broker: the real dispatcher, three workers on a share group, and the
 * exactly-once aggregator.
 */
class FleetIntegrationTest {

    private static final int JOBS = 50;
    private static final int BRANCHES = 5;

    private static List<JobResult> jobResults(LocalFleet fleet) {
        AvroDeserializer<JobResult> deserializer = new AvroDeserializer<>(
                new SchemaRegistryClient(fleet.registryUrl()), JobResult.class);
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobResults(), deserializer).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static List<JobRequest> submitJobs(LocalFleet fleet, String prefix) {
        List<JobRequest> jobs = IntStream.range(0, JOBS)
                .mapToObj(i -> JobFixtures.llmJob(prefix + "-" + i, BRANCHES)).toList();
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            jobs.forEach(client::submit);
        }
        return jobs;
    }

    private static void assertEachJobJoinedOnceWithItsOwnOutputs(List<JobResult> results, List<JobRequest> jobs) {
        assertThat(results).extracting(JobResult::getJobId).doesNotHaveDuplicates();
        Map<String, JobResult> byJob = results.stream()
                .collect(Collectors.toMap(JobResult::getJobId, Function.identity()));
        assertThat(byJob.keySet()).containsExactlyInAnyOrderElementsOf(jobs.stream().map(JobRequest::getJobId).toList());
        for (JobResult result : byJob.values()) {
            assertThat(result.getStatus()).as(result.getJobId()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(result.getBranches()).hasSize(BRANCHES);
            for (BranchOutcome branch : result.getBranches()) {
                assertThat(branch.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
                // the simulated model echoes the filled prompt, which names the branch and the job
                assertThat(branch.getOutput()).startsWith("[simulated]")
                        .contains(branch.getBranchId().replace("b", "prompt-b") + " of job " + result.getJobId());
            }
        }
    }

    @Test
    void fifty_jobs_of_five_branches_each_join_into_exactly_one_result_per_job() {
        try (LocalFleet fleet = LocalFleet.start(3, w -> w.simulatedLatency(Duration.ofMillis(10),
                Duration.ofMillis(50)))) {
            fleet.awaitReady(Duration.ofSeconds(60));

            List<JobRequest> jobs = submitJobs(fleet, "fleet");

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> jobResults(fleet).stream().map(JobResult::getJobId).distinct().count() == JOBS);
            fleet.orchestrator().close();
            assertEachJobJoinedOnceWithItsOwnOutputs(jobResults(fleet), jobs);
        }
    }

    @Test
    void every_job_completes_when_a_worker_is_stopped_mid_run() {
        try (LocalFleet fleet = LocalFleet.start(3, w -> w.simulatedLatency(Duration.ofMillis(100),
                Duration.ofMillis(300)).consumers(2).maxRecordsPerPoll(10))) {
            fleet.awaitReady(Duration.ofSeconds(60));
            Worker stopped = fleet.workers().get(0);

            List<JobRequest> jobs = submitJobs(fleet, "stop");
            await().atMost(Duration.ofSeconds(60)).until(() -> stopped.inFlight() > 0);
            stopped.close();

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> jobResults(fleet).stream().map(JobResult::getJobId).distinct().count() == JOBS);
            fleet.orchestrator().close();
            assertEachJobJoinedOnceWithItsOwnOutputs(jobResults(fleet), jobs);
        }
    }
}

package io.braid.cli;

import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
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
    private static final int WIDE_BRANCHES = 40;

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
    void fifty_jobs_of_five_branches_and_one_of_forty_each_join_into_exactly_one_result() {
        try (LocalFleet fleet = LocalFleet.start(3, w -> w.simulatedLatency(Duration.ofMillis(10),
                Duration.ofMillis(50)))) {
            fleet.awaitReady(Duration.ofSeconds(60));

            List<JobRequest> jobs = new ArrayList<>(submitJobs(fleet, "fleet"));
            JobRequest wide = JobFixtures.llmJob("fleet-wide", WIDE_BRANCHES);
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                client.submit(wide);
            }

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> jobResults(fleet).stream().map(JobResult::getJobId).distinct().count() == JOBS + 1);
            fleet.orchestrator().close();
            List<JobResult> results = jobResults(fleet);
            assertEachJobJoinedOnceWithItsOwnOutputs(results.stream()
                    .filter(r -> !r.getJobId().equals("fleet-wide")).toList(), jobs);
            assertThat(results).filteredOn(r -> r.getJobId().equals("fleet-wide")).singleElement()
                    .satisfies(r -> assertThat(r.getBranches()).hasSize(WIDE_BRANCHES)
                            .allMatch(b -> b.getStatus() == BranchStatus.SUCCEEDED));
            assertTasksSitTogetherUpToSixteenAndSpreadBeyond(fleet);
        }
    }

    /**
     * Each 5-branch job's tasks, keyed by its jobId, sit on one partition (one consumer takes them in one fetch);
     * the 40-branch job's sit 16-16-8 on all 3 partitions, so its branches reach every member of the share group
     * (see TaskPartitions).
     */
    private static void assertTasksSitTogetherUpToSixteenAndSpreadBeyond(LocalFleet fleet) {
        Map<String, List<Integer>> partitionsByJob = TestKafka.readAll(fleet.bootstrapServers(),
                        fleet.topics().tasks(), new ByteArrayDeserializer()).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key,
                        Collectors.mapping(ConsumerRecord::partition, Collectors.toList())));
        assertThat(partitionsByJob).hasSize(JOBS + 1);
        partitionsByJob.forEach((jobId, partitions) -> assertThat(partitions.stream()
                .collect(Collectors.groupingBy(p -> p, Collectors.counting())).values())
                .as("tasks per partition of " + jobId)
                .containsExactlyInAnyOrderElementsOf(jobId.equals("fleet-wide") ? List.of(16L, 16L, 8L)
                        : List.of((long) BRANCHES)));
    }

    @Test
    void workers_added_mid_run_all_take_work_and_every_job_completes_once() {
        List<JobRequest> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LocalFleet fleet = LocalFleet.start(1, FleetIntegrationTest::smallWorker);
             BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            fleet.awaitReady(Duration.ofSeconds(60));
            submit(client, jobs, 200);
            Worker first = fleet.workers().get(0);
            await().atMost(Duration.ofSeconds(60)).until(() -> first.inFlight() > 0);
            for (int i = 0; i < 3; i++) {
                fleet.addWorker(FleetIntegrationTest::smallWorker);
            }
            // a busy machine may let the first jobs drain before the share group gives a new worker a partition:
            // more jobs come until every worker has taken some, so the test is of the fleet, not of the machine
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                boolean allTook = fleet.workers().stream().allMatch(w -> w.peakInFlight() > 0);
                if (!allTook && jobs.size() < 2_000) {
                    submit(client, jobs, 20);
                }
                return allTook;
            });

            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> jobResults(fleet).stream().map(JobResult::getJobId).distinct().count()
                            == jobs.size());
            fleet.orchestrator().close();
            List<JobResult> results = jobResults(fleet);
            assertThat(results).extracting(JobResult::getJobId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(jobs.stream().map(JobRequest::getJobId).toList());
            Map<String, Long> branchesPerWorker = results.stream().flatMap(r -> r.getBranches().stream())
                    .collect(Collectors.groupingBy(BranchOutcome::getWorkerId, Collectors.counting()));
            assertThat(branchesPerWorker).as("branches per worker").containsOnlyKeys("worker-1", "worker-2",
                    "worker-3", "worker-4");
            assertThat(branchesPerWorker.values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo((long) jobs.size() * BRANCHES);
        }
    }

    /** Submits {@code count} more 5-branch jobs, numbered on from those in {@code jobs}. */
    private static void submit(BraidClient client, List<JobRequest> jobs, int count) {
        for (int i = 0; i < count; i++) {
            JobRequest job = JobFixtures.llmJob("scale-" + jobs.size(), BRANCHES);
            client.submit(job);
            jobs.add(job);
        }
    }

    /** A worker of 20 branches in flight at 100-300 ms each: 1,000 branches keep one busy for about 10 s. */
    private static WorkerOptions.Builder smallWorker(WorkerOptions.Builder worker) {
        return worker.simulatedLatency(Duration.ofMillis(100), Duration.ofMillis(300)).maxInFlight(20)
                .recordsPerPoll(5);
    }

    @Test
    void a_synthesize_job_runs_its_final_step_on_a_worker_and_answers_with_it() {
        try (LocalFleet fleet = LocalFleet.start(2, w -> w.simulatedLatency(Duration.ofMillis(10),
                Duration.ofMillis(50)))) {
            fleet.awaitReady(Duration.ofSeconds(60));
            JobRequest job = JobRequest.newBuilder(JobFixtures.llmJob("synthesis", 3))
                    .setAggregation(AggregationSpec.newBuilder().setStrategy(AggregationStrategy.SYNTHESIZE)
                            .setPrompt("Merge these drafts.").build())
                    .build();
            JobResult result;
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                client.submit(job);
                result = client.awaitResult("synthesis", null, Duration.ofSeconds(60), e -> { }).orElseThrow();
            }

            assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(result.getAggregation()).isEqualTo(AggregationStrategy.SYNTHESIZE);
            assertThat(result.getBranches()).hasSize(3);
            // the simulated model echoes its prompt: the synthesis prompt, over the three outputs
            assertThat(result.getOutput()).startsWith("[simulated]").contains("Merge these drafts.");
            AvroDeserializer<BranchResult> results = new AvroDeserializer<>(
                    new SchemaRegistryClient(fleet.registryUrl()), BranchResult.class);
            assertThat(TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().results(), results))
                    .extracting(ConsumerRecord::value)
                    .filteredOn(r -> r.getBranchId().equals("__aggregate"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.getWorkerId()).startsWith("worker-"));
        }
    }
}

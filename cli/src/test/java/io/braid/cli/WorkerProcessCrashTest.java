package io.braid.cli;

import io.braid.cli.stack.BraidProcess;
import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers as separate JVM processes ({@code braid worker}, the same command people run), one killed with SIGKILL
 * while its branches run: the killed worker's branches are run again by the other, every job completes, and
 * there is exactly one result per job.
 */
class WorkerProcessCrashTest {

    private static final int JOBS = 60;
    private static final int BRANCHES = 5;

    private static Process startBraidProcess(LocalFleet fleet, String workerId) {
        return BraidProcess.start(List.of(), List.of("worker",
                "--bootstrap-servers", fleet.bootstrapServers(), "--registry-url", fleet.registryUrl(),
                "--worker-id", workerId, "--simulated-latency", "500ms..1500ms",
                "--max-in-flight", "20", "--records-per-poll", "5",
                "--branch-timeout", "10s", "--record-lock", "15s"),
                log(workerId));
    }

    private static Path log(String workerId) {
        return Path.of("target", "worker-processes", workerId + ".log");
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(LocalFleet fleet, String topic,
                                                                             Class<T> type) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(new SchemaRegistryClient(fleet.registryUrl()), type);
        return TestKafka.readAll(fleet.bootstrapServers(), topic, deserializer).stream()
                .map(ConsumerRecord::value).toList();
    }

    @Test
    void a_worker_process_killed_mid_run_loses_no_job_and_duplicates_no_result() throws Exception {
        try (LocalFleet fleet = LocalFleet.start(0, w -> w)) {
            fleet.awaitReady(Duration.ofSeconds(60));
            Process doomed = startBraidProcess(fleet, "process-doomed");
            Process survivor = startBraidProcess(fleet, "process-survivor");
            try {
                List<JobRequest> jobs = IntStream.range(0, JOBS)
                        .mapToObj(i -> JobFixtures.llmJob("crash-" + i, BRANCHES)).toList();
                submitAll(fleet, jobs);
                // Kill the doomed worker once it has finished some branches and so has a full set running.
                killOnceItFinishedABranch(fleet, doomed, "process-doomed");
                awaitResultsOf(fleet, JOBS);

                List<JobResult> results = read(fleet, fleet.topics().jobResults(), JobResult.class);
                assertThat(results).extracting(JobResult::getJobId).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(jobs.stream().map(JobRequest::getJobId).toList());
                assertThat(results).allSatisfy(result -> assertThat(result.getBranches())
                        .extracting(BranchOutcome::getStatus).hasSize(BRANCHES).containsOnly(BranchStatus.SUCCEEDED));

                // Branches the doomed worker had started but never delivered a result for were run by the survivor.
                // (Whether a branch was delivered is the job result's to say: progress events are best effort, and a
                // worker killed between publishing a result and its BRANCH_FINISHED event leaves no finish event.)
                Map<String, String> deliveredBy = new HashMap<>();
                results.forEach(result -> result.getBranches().forEach(branch -> deliveredBy.put(
                        result.getJobId() + "/" + branch.getBranchId(), branch.getWorkerId())));
                List<JobEvent> events = read(fleet, fleet.topics().jobEvents(), JobEvent.class);
                Set<String> cutOff = branchesOf(events, JobEventType.BRANCH_STARTED, "process-doomed").stream()
                        .filter(branch -> !"process-doomed".equals(deliveredBy.get(branch)))
                        .collect(Collectors.toSet());
                assertThat(cutOff).as("branches running when the worker was killed").isNotEmpty();
                Set<String> finishedBySurvivor = branchesOf(events, JobEventType.BRANCH_FINISHED, "process-survivor");
                assertThat(finishedBySurvivor).containsAll(cutOff);
                assertThat(cutOff).allSatisfy(branch -> assertThat(deliveredBy.get(branch))
                        .as("who delivered %s", branch).isEqualTo("process-survivor"));

                // SIGTERM drains and stops the survivor cleanly.
                survivor.destroy();
                assertThat(survivor.waitFor(60, TimeUnit.SECONDS)).as("stopped within its grace").isTrue();
                assertThat(survivor.exitValue()).as("exited on SIGTERM").isEqualTo(143);
                assertThat(Files.readString(log("process-survivor"))).contains("Worker process-survivor stopped.");
            } finally {
                doomed.destroyForcibly();
                survivor.destroyForcibly();
                survivor.waitFor();
            }
        }
    }

    /**
     * The same kill with flow control in play: every job has a window of 3 and hedges each call after 300 ms (the
     * simulated model answers in 0.5 – 1.5 s, so most calls are hedged). The join publishes each branch's task
     * exactly once whatever the workers do, every job completes with exactly one result, and the hedged calls are
     * counted in it.
     */
    @Test
    void a_worker_killed_while_windows_and_hedges_run_leaves_one_result_per_job_and_one_task_per_branch()
            throws Exception {
        int jobs = 10;
        int branches = 9;
        try (LocalFleet fleet = LocalFleet.start(0, w -> w)) {
            fleet.awaitReady(Duration.ofSeconds(60));
            Process doomed = startBraidProcess(fleet, "flow-doomed");
            Process survivor = startBraidProcess(fleet, "flow-survivor");
            try {
                List<JobRequest> submitted = IntStream.range(0, jobs).mapToObj(i -> {
                    JobRequest job = JobFixtures.llmJob("flow-crash-" + i, branches);
                    job.setMaxConcurrency(3);
                    job.setHedge(io.braid.schema.Hedge.newBuilder().setAfterMs(300L).build());
                    return job;
                }).toList();
                submitAll(fleet, submitted);
                killOnceItFinishedABranch(fleet, doomed, "flow-doomed");
                awaitResultsOf(fleet, jobs);

                List<JobResult> results = read(fleet, fleet.topics().jobResults(), JobResult.class);
                assertThat(results).extracting(JobResult::getJobId).doesNotHaveDuplicates().hasSize(jobs);
                assertThat(results).allSatisfy(result -> assertThat(result.getBranches())
                        .extracting(BranchOutcome::getStatus).hasSize(branches).containsOnly(BranchStatus.SUCCEEDED));
                assertThat(results.stream().flatMap(r -> r.getBranches().stream())
                        .mapToInt(BranchOutcome::getHedgedCalls).sum()).as("hedges were in play").isPositive();
                Map<String, Long> tasksPerBranch = read(fleet, fleet.topics().tasks(), io.braid.schema.BranchTask.class)
                        .stream().collect(Collectors.groupingBy(t -> t.getJobId() + "/" + t.getBranch().getBranchId(),
                                Collectors.counting()));
                assertThat(tasksPerBranch).as("each branch's task published once").hasSize(jobs * branches)
                        .allSatisfy((branch, count) -> assertThat(count).as(branch).isEqualTo(1L));
            } finally {
                doomed.destroyForcibly();
                survivor.destroyForcibly();
                survivor.waitFor();
            }
        }
    }

    private static void submitAll(LocalFleet fleet, List<JobRequest> jobs) {
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            jobs.forEach(client::submit);
        }
    }

    /** SIGKILLs {@code worker} once it has finished a branch, and so has a full set running. */
    private static void killOnceItFinishedABranch(LocalFleet fleet, Process worker, String workerId)
            throws InterruptedException {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> read(fleet, fleet.topics().jobEvents(), JobEvent.class).stream()
                        .filter(e -> e.getType() == JobEventType.BRANCH_FINISHED)
                        .anyMatch(e -> workerId.equals(e.getWorkerId())));
        worker.destroyForcibly().waitFor();
        assertThat(worker.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    }

    /** Waits for results of {@code jobs} distinct jobs, then stops the orchestrator so nothing more is written. */
    private static void awaitResultsOf(LocalFleet fleet, int jobs) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> read(fleet, fleet.topics().jobResults(), JobResult.class).stream()
                        .map(JobResult::getJobId).distinct().count() == jobs);
        fleet.orchestrator().close();
    }

    private static Set<String> branchesOf(List<JobEvent> events, JobEventType type, String workerId) {
        return events.stream().filter(e -> e.getType() == type && workerId.equals(e.getWorkerId()))
                .map(e -> e.getJobId() + "/" + e.getBranchId()).collect(Collectors.toSet());
    }
}

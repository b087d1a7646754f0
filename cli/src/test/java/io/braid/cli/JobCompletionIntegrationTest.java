package io.braid.cli;

import io.braid.client.BraidClient;
import io.braid.client.JobFiles;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.CompletionMode;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.JobRequest;
import io.braid.schema.JobControl;
import io.braid.schema.JobEvent;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs that end before all their branches do, on a real broker with the real dispatcher, worker and aggregator.
 * Every LLM branch here takes 60 s on the simulated model and every tool branch a moment, so an LLM branch can
 * only end within the test by being cancelled.
 */
class JobCompletionIntegrationTest {

    private static final Duration SLOW = Duration.ofSeconds(60);

    private static LocalFleet fleet;

    @BeforeAll
    static void startFleet() {
        fleet = LocalFleet.start(1, w -> w.simulatedLatency(SLOW, SLOW).defaultTimeout(Duration.ofSeconds(90)));
        fleet.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopFleet() {
        fleet.close();
    }

    private static BranchSpec slowLlm(String branchId) {
        return BranchSpec.newBuilder().setBranchId(branchId).setKind(BranchKind.LLM)
                .setLlm(LlmCall.newBuilder().setUserPrompt("take your time, " + branchId).build()).build();
    }

    private static BranchSpec quickTool(String branchId) {
        return JobFixtures.toolBranch(branchId, "calculator", "{\"expression\": \"6 * 7\"}");
    }

    private static JobResult run(JobRequest job) {
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            client.submit(job);
            Optional<JobResult> result = client.awaitResult(job.getJobId(), null, Duration.ofSeconds(40), e -> { });
            assertThat(result).as("result of " + job.getJobId()).isPresent();
            return result.get();
        }
    }

    /** The branch results the worker published for a job's branch, e.g. the CANCELLED one of an interrupted call. */
    private static List<BranchResult> branchResults(String jobId, String branchId) {
        AvroDeserializer<BranchResult> deserializer = new AvroDeserializer<>(
                new SchemaRegistryClient(fleet.registryUrl()), BranchResult.class);
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().results(), deserializer).stream()
                .map(ConsumerRecord::value)
                .filter(r -> r.getJobId().equals(jobId) && r.getBranchId().equals(branchId)).toList();
    }

    /** The job's events and control commands, in order: what to look at when a branch was not interrupted. */
    private static String historyOf(String jobId) {
        SchemaRegistryClient registry = new SchemaRegistryClient(fleet.registryUrl());
        List<String> events = TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobEvents(),
                        new AvroDeserializer<>(registry, JobEvent.class)).stream()
                .map(ConsumerRecord::value).filter(e -> e.getJobId().equals(jobId))
                .map(e -> e.getAt() + " " + e.getType() + " " + e.getBranchId() + " " + e.getMessage()).toList();
        List<String> controls = TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().control(),
                        new AvroDeserializer<>(registry, JobControl.class)).stream()
                .map(ConsumerRecord::value).filter(c -> c.getJobId().equals(jobId))
                .map(c -> c.getAt() + " " + c.getAction() + " round " + c.getRound() + ": " + c.getReason()).toList();
        return "events: " + events + "; control: " + controls;
    }

    private static void assertInterruptedByTheWorker(String jobId, String branchId) {
        // well within the branch's 60 s: a result by then was interrupted
        try {
            await().atMost(Duration.ofSeconds(40)).until(() -> !branchResults(jobId, branchId).isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no result for " + jobId + "/" + branchId + " within 40 s; "
                    + historyOf(jobId), e);
        }
        BranchResult cancelled = branchResults(jobId, branchId).get(0);
        assertThat(cancelled.getStatus()).isEqualTo(BranchStatus.CANCELLED);
        assertThat(Duration.between(cancelled.getStartedAt(), cancelled.getFinishedAt()))
                .as("interrupted, not run to its end").isLessThan(SLOW);
    }

    @Test
    void first_success_completes_the_job_and_the_running_slow_branch_is_interrupted() {
        JobRequest job = JobRequest.newBuilder().setJobId("first-1")
                .setBranches(List.of(slowLlm("slow"), quickTool("quick")))
                .setCompletion(CompletionPolicy.newBuilder().setMode(CompletionMode.FIRST).build()).build();

        JobResult result = run(job);

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.getCompletedBy()).isEqualTo("FIRST");
        assertThat(result.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("slow=CANCELLED", "quick=SUCCEEDED");
        assertInterruptedByTheWorker("first-1", "slow");
    }

    @Test
    void a_quorum_completes_the_job_without_waiting_for_the_rest() {
        JobRequest job = JobRequest.newBuilder().setJobId("quorum-1")
                .setBranches(List.of(quickTool("q1"), slowLlm("slow"), quickTool("q2")))
                .setCompletion(CompletionPolicy.newBuilder().setMode(CompletionMode.QUORUM).setQuorum(2).build())
                .build();

        JobResult result = run(job);

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.getCompletedBy()).isEqualTo("QUORUM");
        assertThat(result.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("q1=SUCCEEDED", "slow=CANCELLED", "q2=SUCCEEDED");
        assertInterruptedByTheWorker("quorum-1", "slow");
    }

    @Test
    void a_job_past_its_deadline_completes_partial_and_its_missing_branch_is_stopped() {
        JobRequest job = JobRequest.newBuilder().setJobId("deadline-1")
                .setBranches(List.of(quickTool("quick"), slowLlm("slow")))
                .setCompletion(CompletionPolicy.newBuilder().setDeadlineMs(3_000L).build()).build();

        JobResult result = run(job);

        assertThat(result.getStatus()).isEqualTo(JobStatus.PARTIAL);
        assertThat(result.getCompletedBy()).isEqualTo("DEADLINE");
        assertThat(result.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("quick=SUCCEEDED", "slow=MISSING");
        assertThat(Duration.between(result.getSubmittedAt(), result.getCompletedAt()))
                .isBetween(Duration.ofSeconds(3), Duration.ofSeconds(20));
        assertInterruptedByTheWorker("deadline-1", "slow");
    }

    @Test
    void a_cancelled_job_completes_cancelled_and_its_running_branches_are_interrupted() {
        JobRequest job = JobRequest.newBuilder().setJobId("cancel-1")
                .setBranches(List.of(quickTool("quick"), slowLlm("slow")))
                .build();
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            client.submit(job);
            await().atMost(Duration.ofSeconds(30)).until(() -> !branchResults("cancel-1", "quick").isEmpty());
            client.cancel("cancel-1", "changed my mind");
            JobResult result = client.awaitResult("cancel-1", null, Duration.ofSeconds(30), e -> { }).orElseThrow();

            assertThat(result.getStatus()).isEqualTo(JobStatus.CANCELLED);
            assertThat(result.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                    .containsExactly("quick=SUCCEEDED", "slow=CANCELLED");
        }
        assertInterruptedByTheWorker("cancel-1", "slow");
    }

    @Test
    void a_nested_job_runs_as_a_child_job_whose_result_is_its_parents_branch() {
        JobRequest parent = JobRequest.newBuilder(JobFiles.read(Path.of("..", "examples", "nested.json")))
                .setJobId("nested-1").build();
        // the example's LLM branch would take a minute here: make it a quick tool branch
        parent.getBranches().set(0, quickTool("overview"));

        JobResult result = run(parent);

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getKind() + "=" + b.getStatus())
                .containsExactly("overview=TOOL=SUCCEEDED", "numbers=JOB=SUCCEEDED");
        assertThat(result.getBranches().get(1).getOutput()).isEqualTo("24 partitions, 25 workers per partition");
        assertThat(result.getBranches().get(1).getWorkerId()).isEqualTo("child job nested-1/numbers");
    }

    @Test
    void a_parent_that_completes_first_cancels_its_running_child_job() {
        String child = "{\"branches\": [{\"branchId\": \"deep\", \"kind\": \"LLM\", "
                + "\"llm\": {\"userPrompt\": \"think hard\"}}]}";
        JobRequest parent = JobRequest.newBuilder().setJobId("nested-2")
                .setBranches(List.of(quickTool("quick"), BranchSpec.newBuilder().setBranchId("research")
                        .setKind(BranchKind.JOB).setJob(child).build()))
                .setCompletion(CompletionPolicy.newBuilder().setMode(CompletionMode.FIRST).build()).build();

        JobResult result = run(parent);

        assertThat(result.getCompletedBy()).isEqualTo("FIRST");
        assertThat(result.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("quick=SUCCEEDED", "research=CANCELLED");
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            JobResult childResult = client.awaitResult("nested-2/research", null, Duration.ofSeconds(30), e -> { })
                    .orElseThrow();
            assertThat(childResult.getStatus()).isEqualTo(JobStatus.CANCELLED);
            assertThat(childResult.getParentJobId()).isEqualTo("nested-2");
        }
        assertInterruptedByTheWorker("nested-2/research", "deep");
    }
}

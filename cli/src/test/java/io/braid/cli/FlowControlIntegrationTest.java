package io.braid.cli;

import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.Budget;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.testing.JobFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Windows, budgets and tolerated failures on a real broker with the real dispatcher, workers and aggregator: what
 * reaches the tasks topic is counted against the results, record by record.
 */
class FlowControlIntegrationTest {

    private static LocalFleet fleet;

    /** One simulated model, priced: 1,000 per million tokens in and out, so a branch costs about 0.015. */
    private static final String CONFIG = """
            defaultModel: sim
            models:
              sim: { provider: simulated, minLatency: 5ms, maxLatency: 30ms }
            prices:
              sim: { inputPerMillion: 1000, outputPerMillion: 1000 }
            """;

    @BeforeAll
    static void startFleet() throws java.io.IOException {
        java.nio.file.Path config = java.nio.file.Files.createTempFile("flow-worker", ".yaml");
        java.nio.file.Files.writeString(config, CONFIG);
        fleet = LocalFleet.start(2, w -> w.config(io.braid.worker.WorkerConfig.load(config))
                .disabledTools(Set.of("text_stats")));
        fleet.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopFleet() {
        fleet.close();
    }

    private static JobResult run(JobRequest job, Duration timeout) {
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            client.submit(job);
            return client.awaitResult(job.getJobId(), null, timeout, e -> { }).orElseThrow(
                    () -> new AssertionError("no result for " + job.getJobId() + " within " + timeout));
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, T>> read(
            String topic, Class<T> type, String jobId) {
        return TasksReadBack.read(fleet, topic, type, Set.of(jobId));
    }

    private static int mostInFlight(String jobId) {
        return TasksReadBack.mostInFlight(fleet, Set.of(jobId));
    }

    private static void assertOneResult(String jobId) {
        assertThat(read(fleet.topics().jobResults(), JobResult.class, jobId)).as("job results of " + jobId)
                .hasSize(1);
    }

    @Test
    void a_job_never_has_more_than_its_window_on_the_tasks_topic_and_status_and_metrics_show_its_spend()
            throws Exception {
        JobRequest job = JobFixtures.llmJob("window-1", 60);
        job.setMaxConcurrency(5);

        JobResult result = run(job, Duration.ofSeconds(60));

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(read(fleet.topics().tasks(), BranchTask.class, "window-1")).as("every branch published once")
                .hasSize(60);
        assertThat(mostInFlight("window-1")).isBetween(1, 5);
        assertThat(result.getUsage().getInputTokens()).isPositive();
        assertOneResult("window-1");

        com.fasterxml.jackson.databind.JsonNode status = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(get("/jobs/window-1"));
        assertThat(status.path("maxConcurrency").asInt()).isEqualTo(5);
        assertThat(status.path("usage").path("inputTokens").asLong()).isEqualTo(result.getUsage().getInputTokens());
        assertThat(get("/metrics")).containsPattern("braid_job_tokens_total\\{direction=\"in\",?} [1-9]")
                .containsPattern("braid_job_cost_total [0-9.]*[1-9]")
                .containsPattern("braid_jobs_completed_total [1-9]");
    }

    private static String get(String path) throws Exception {
        int port = fleet.orchestrator().httpPort().orElseThrow();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                    + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    @Test
    void a_spent_budget_stops_publishing_and_ends_the_job_by_budget() {
        JobRequest job = JobFixtures.llmJob("budget-1", 40);
        job.setMaxConcurrency(2);
        job.setBudget(Budget.newBuilder().setTokens(60L).build());

        JobResult result = run(job, Duration.ofSeconds(60));

        assertThat(result.getCompletedBy()).isEqualTo("BUDGET");
        assertThat(result.getStatus()).isEqualTo(JobStatus.PARTIAL);
        long spent = result.getUsage().getInputTokens() + result.getUsage().getOutputTokens();
        assertThat(spent).isGreaterThanOrEqualTo(60);
        int published = read(fleet.topics().tasks(), BranchTask.class, "budget-1").size();
        long succeeded = result.getBranches().stream().filter(b -> b.getStatus() == BranchStatus.SUCCEEDED).count();
        assertThat(published).as("no task after the budget was spent beyond the window").isLessThanOrEqualTo(
                (int) succeeded + 2).isLessThan(40);
        assertThat(result.getBranches()).filteredOn(b -> b.getStatus() == BranchStatus.CANCELLED)
                .hasSize(40 - (int) result.getBranches().stream()
                        .filter(b -> b.getStatus() != BranchStatus.CANCELLED).count()).isNotEmpty();
        assertOneResult("budget-1");
    }

    @Test
    void a_spent_cost_budget_ends_the_job_by_budget_with_its_cost_summed() {
        JobRequest job = JobFixtures.llmJob("budget-2", 40);
        job.setMaxConcurrency(2);
        job.setBudget(Budget.newBuilder().setCost(0.05).build());

        JobResult result = run(job, Duration.ofSeconds(60));

        assertThat(result.getCompletedBy()).isEqualTo("BUDGET");
        assertThat(result.getUsage().getCost()).isGreaterThanOrEqualTo(0.05);
        assertThat(result.getBranches()).filteredOn(b -> b.getStatus() == BranchStatus.SUCCEEDED)
                .allSatisfy(b -> assertThat(b.getCost()).isPositive());
        assertThat(read(fleet.topics().tasks(), BranchTask.class, "budget-2")).hasSizeLessThan(40);
        assertOneResult("budget-2");
    }

    @Test
    void more_failures_than_tolerated_end_the_job_failed_and_cancel_the_rest() {
        JobRequest job = JobFixtures.llmJob("tolerate-1", 30);
        List<BranchSpec> branches = new ArrayList<>(job.getBranches());
        for (int i = 0; i < 3; i++) {
            branches.set(i, JobFixtures.toolBranch("stats" + i, "text_stats", "{\"text\": \"a b c\"}"));
        }
        job.setBranches(branches);
        job.setMaxConcurrency(3);
        job.setCompletion(CompletionPolicy.newBuilder().setToleratedFailures(1).build());

        JobResult result = run(job, Duration.ofSeconds(60));

        assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(result.getCompletedBy()).isEqualTo("TOO_MANY_FAILURES");
        assertThat(result.getBranches()).filteredOn(b -> b.getStatus() == BranchStatus.FAILED).hasSizeBetween(2, 3);
        assertThat(result.getBranches()).filteredOn(b -> b.getStatus() == BranchStatus.CANCELLED)
                .hasSizeGreaterThan(20);
        assertThat(read(fleet.topics().control(), JobControl.class, "tolerate-1"))
                .as("the rest cancelled").anyMatch(c -> c.value().getAction() == ControlAction.CANCEL);
        assertOneResult("tolerate-1");
    }

    @Test
    void a_ten_thousand_branch_job_completes_through_a_small_window() {
        JobRequest job = JobFixtures.llmJob("wide-10k", 10_000);
        job.setMaxConcurrency(100);

        JobResult result = run(job, Duration.ofSeconds(90));

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.getBranches()).hasSize(10_000)
                .allMatch(b -> b.getStatus() == BranchStatus.SUCCEEDED);
        assertThat(mostInFlight("wide-10k")).isBetween(1, 100);
        assertOneResult("wide-10k");
        System.out.println("FlowControlIntegrationTest: 10,000 branches in "
                + Duration.between(result.getSubmittedAt(), result.getCompletedAt()).toMillis() + " ms");
    }
}

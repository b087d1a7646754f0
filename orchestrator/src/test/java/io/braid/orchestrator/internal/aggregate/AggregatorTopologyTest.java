package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;

import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchError;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchTask;
import io.braid.schema.CompletionMode;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.ControlAction;
import io.braid.schema.FailurePolicy;
import io.braid.schema.JobControl;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobJoinState;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.ManualClock;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.braid.testing.JobFixtures.manifest;
import static io.braid.testing.JobFixtures.result;
import static io.braid.testing.JobFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/** The join topology, driven record by record with TopologyTestDriver (a unit test: no broker). */
class AggregatorTopologyTest {

    private static final Instant NOW = Instant.parse("2026-02-01T10:00:00Z");

    private static final JoinSettings SETTINGS = new JoinSettings(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(45), Duration.ofSeconds(1));

    private final Topics topics = Topics.defaults();
    private final ManualClock clock = new ManualClock(NOW);
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, JobManifest> manifests;
    private TestInputTopic<String, BranchResult> results;
    private TestOutputTopic<String, JobResult> jobResults;
    private TestOutputTopic<String, JobEvent> jobEvents;
    private TestInputTopic<String, JobControl> controlIn;
    private TestOutputTopic<String, JobControl> controlOut;
    private TestOutputTopic<String, BranchTask> tasks;

    @BeforeEach
    void setUp() {
        driver = new TopologyTestDriver(AggregatorTopology.build(topics, registry, clock, SETTINGS));
        manifests = driver.createInputTopic(topics.manifests(), new StringSerializer(), new AvroSerializer<>(registry));
        results = driver.createInputTopic(topics.results(), new StringSerializer(), new AvroSerializer<>(registry));
        jobResults = driver.createOutputTopic(topics.jobResults(), new StringDeserializer(),
                new AvroDeserializer<>(registry, JobResult.class));
        jobEvents = driver.createOutputTopic(topics.jobEvents(), new StringDeserializer(),
                new AvroDeserializer<>(registry, JobEvent.class));
        controlIn = driver.createInputTopic(topics.control(), new StringSerializer(), new AvroSerializer<>(registry));
        controlOut = driver.createOutputTopic(topics.control(), new StringDeserializer(),
                new AvroDeserializer<>(registry, JobControl.class));
        tasks = driver.createOutputTopic(topics.tasks(), new StringDeserializer(),
                new AvroDeserializer<>(registry, BranchTask.class));
    }

    private static JobManifest aggregatedBy(String jobId, AggregationSpec spec, String... branchIds) {
        return JobManifest.newBuilder(submittedNow(jobId, null, AggregationStrategy.COLLECT, branchIds))
                .setAggregation(spec).build();
    }

    private static BranchResult finalResult(String jobId, BranchStatus status, String output) {
        return result(jobId, FinalAggregation.BRANCH_ID, status, output);
    }

    /** Moves the test's clock and the driver's wall clock together, firing due punctuations. */
    private void advance(Duration duration) {
        clock.advance(duration);
        driver.advanceWallClockTime(duration);
    }

    /** A manifest submitted now, with the given deadline (null = the default) and aggregation. */
    private static JobManifest submittedNow(String jobId, Long deadlineMs, AggregationStrategy strategy,
                                            String... branchIds) {
        return JobManifest.newBuilder(manifest(jobId, branchIds)).setSubmittedAt(NOW).setDispatchedAt(NOW)
                .setCompletion(CompletionPolicy.newBuilder().setDeadlineMs(deadlineMs).build())
                .setAggregation(AggregationSpec.newBuilder().setStrategy(strategy).build())
                .build();
    }

    private KeyValueStore<String, JobJoinState> joinStore() {
        return driver.getKeyValueStore(AggregatorTopology.STORE_NAME);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void completes_when_every_branch_has_a_result() {
        manifests.pipeInput("job-1", manifest("job-1", "a", "b", "c"));
        results.pipeInput("job-1", succeeded("job-1", "a", "A"));
        results.pipeInput("job-1", succeeded("job-1", "b", "B"));
        assertThat(jobResults.isEmpty()).as("no result while branch c is outstanding").isTrue();

        results.pipeInput("job-1", succeeded("job-1", "c", "C"));

        List<JobResult> emitted = jobResults.readValuesToList();
        assertThat(emitted).hasSize(1);
        JobResult job = emitted.get(0);
        assertThat(job.getJobId()).isEqualTo("job-1");
        assertThat(job.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getCompletedBy()).isEqualTo("ALL");
        assertThat(job.getOutput()).isEqualTo("{\"a\":\"A\",\"b\":\"B\",\"c\":\"C\"}");
        assertThat(job.getCompletedAt()).isEqualTo(NOW);
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("a=SUCCEEDED", "b=SUCCEEDED", "c=SUCCEEDED");
    }

    @Test
    void duplicate_results_of_a_branch_are_ignored_and_the_job_completes_once() {
        manifests.pipeInput("job-2", manifest("job-2", "a", "b"));
        results.pipeInput("job-2", succeeded("job-2", "a", "first run"));
        results.pipeInput("job-2", succeeded("job-2", "a", "second run"));
        results.pipeInput("job-2", succeeded("job-2", "b", "B"));
        results.pipeInput("job-2", succeeded("job-2", "b", "B again"));
        manifests.pipeInput("job-2", manifest("job-2", "a", "b"));

        List<JobResult> emitted = jobResults.readValuesToList();
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).getOutput()).isEqualTo("{\"a\":\"first run\",\"b\":\"B\"}");
    }

    @Test
    void completes_when_results_arrive_before_the_manifest() {
        results.pipeInput("job-3", succeeded("job-3", "b", "B"));
        results.pipeInput("job-3", succeeded("job-3", "a", "A"));
        assertThat(jobResults.isEmpty()).as("no result without the manifest").isTrue();

        manifests.pipeInput("job-3", manifest("job-3", "a", "b"));

        List<JobResult> emitted = jobResults.readValuesToList();
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).getOutput()).isEqualTo("{\"a\":\"A\",\"b\":\"B\"}");
    }

    @Test
    void interleaved_jobs_are_joined_to_their_own_results() {
        manifests.pipeInput("x", manifest("x", "a"));
        manifests.pipeInput("y", manifest("y", "a", "b"));
        results.pipeInput("y", succeeded("y", "a", "y-a"));
        results.pipeInput("x", succeeded("x", "a", "x-a"));
        results.pipeInput("y", succeeded("y", "b", "y-b"));

        List<JobResult> emitted = jobResults.readValuesToList();
        assertThat(emitted).extracting(JobResult::getJobId, JobResult::getOutput).containsExactly(
                org.assertj.core.groups.Tuple.tuple("x", "{\"a\":\"x-a\"}"),
                org.assertj.core.groups.Tuple.tuple("y", "{\"a\":\"y-a\",\"b\":\"y-b\"}"));
    }

    @Test
    void a_failed_branch_makes_the_job_partial_and_a_later_success_replaces_the_failure() {
        manifests.pipeInput("job-4", manifest("job-4", "a", "b", "c"));
        results.pipeInput("job-4", result("job-4", "a", BranchStatus.FAILED, null));
        results.pipeInput("job-4", succeeded("job-4", "a", "A on redelivery"));
        results.pipeInput("job-4", succeeded("job-4", "b", "B"));
        results.pipeInput("job-4", result("job-4", "c", BranchStatus.TIMED_OUT, null));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.PARTIAL);
        assertThat(job.getOutput()).isEqualTo("{\"a\":\"A on redelivery\",\"b\":\"B\"}");
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("a=SUCCEEDED", "b=SUCCEEDED", "c=TIMED_OUT");
    }

    @Test
    void a_job_whose_branches_all_failed_fails_without_output() {
        manifests.pipeInput("job-5", manifest("job-5", "a"));
        results.pipeInput("job-5", result("job-5", "a", BranchStatus.FAILED, null));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(job.getOutput()).isNull();
    }

    @Test
    void a_job_past_its_deadline_completes_partial_with_what_arrived_and_the_rest_missing() {
        manifests.pipeInput("slow", submittedNow("slow", 10_000L, AggregationStrategy.COLLECT, "a", "b", "c"));
        results.pipeInput("slow", succeeded("slow", "a", "A"));
        results.pipeInput("slow", result("slow", "b", BranchStatus.FAILED, null));

        advance(Duration.ofSeconds(9));
        assertThat(jobResults.isEmpty()).as("before the deadline").isTrue();
        advance(Duration.ofSeconds(2));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.PARTIAL);
        assertThat(job.getCompletedBy()).isEqualTo("DEADLINE");
        assertThat(job.getCompletedAt()).isEqualTo(NOW.plusSeconds(11));
        assertThat(job.getOutput()).isEqualTo("{\"a\":\"A\"}");
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("a=SUCCEEDED", "b=FAILED", "c=MISSING");

        results.pipeInput("slow", succeeded("slow", "c", "C, too late"));
        advance(Duration.ofSeconds(5));
        assertThat(jobResults.isEmpty()).as("a late result changes nothing").isTrue();
    }

    @Test
    void without_a_deadline_of_its_own_a_job_ends_at_the_default_deadline_failed_if_nothing_succeeded() {
        manifests.pipeInput("stuck", submittedNow("stuck", null, AggregationStrategy.COLLECT, "a"));

        advance(SETTINGS.defaultDeadline().minusSeconds(1));
        assertThat(jobResults.isEmpty()).isTrue();
        advance(Duration.ofSeconds(2));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(job.getCompletedBy()).isEqualTo("DEADLINE");
        assertThat(job.getBranches()).extracting(b -> b.getStatus()).containsExactly(BranchStatus.MISSING);
    }

    @Test
    void a_job_completed_before_its_deadline_is_not_completed_again_when_the_deadline_passes() {
        manifests.pipeInput("quick", submittedNow("quick", 10_000L, AggregationStrategy.COLLECT, "a"));
        results.pipeInput("quick", succeeded("quick", "a", "A"));
        assertThat(jobResults.readValue().getCompletedBy()).isEqualTo("ALL");

        advance(Duration.ofSeconds(20));

        assertThat(jobResults.isEmpty()).isTrue();
    }

    @Test
    void each_branch_result_is_stored_once_apart_from_the_jobs_state_and_manifest_which_keep_only_counts() {
        String[] ids = java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(i -> "b" + i).toArray(String[]::new);
        manifests.pipeInput("wide", submittedNow("wide", null, AggregationStrategy.COLLECT, ids));
        KeyValueStore<String, BranchResult> kept = driver.getKeyValueStore(AggregatorTopology.RESULTS_STORE_NAME);
        JobJoinState afterManifest = joinStore().get("wide");

        for (int i = 1; i < 100; i++) {
            results.pipeInput("wide", succeeded("wide", "b" + i, "out " + i));
        }

        assertThat(kept.approximateNumEntries()).isEqualTo(99);
        assertThat(kept.get(JoinStores.resultKey("wide", "b7")).getOutput()).isEqualTo("out 7");
        assertThat(joinStore().get("wide").getResults()).as("results live in their own store").isEmpty();
        JobJoinState after99 = joinStore().get("wide");
        assertThat(after99.getManifest()).as("the manifest lives in its own store, written once").isNull();
        assertThat(driver.<String, io.braid.schema.JobManifest>getKeyValueStore(
                AggregatorTopology.MANIFESTS_STORE_NAME).get("wide").getBranches()).hasSize(100);
        assertThat(after99.getFinishedBranches()).isEqualTo(99);
        after99.setFinishedBranches(afterManifest.getFinishedBranches());
        after99.setSucceededBranches(afterManifest.getSucceededBranches());
        assertThat(after99).as("99 results changed nothing but the counts").isEqualTo(afterManifest);
        results.pipeInput("wide", succeeded("wide", "b100", "out 100"));
        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getBranches()).hasSize(100).allSatisfy(b -> assertThat(b.getOutput()).startsWith("out "));
        assertThat(joinStore().get("wide").getCompletedRound()).isEqualTo(1);
    }

    @Test
    void the_stored_result_of_a_branch_is_its_kept_one_a_later_success_replacing_a_failure_and_nothing_after() {
        manifests.pipeInput("kept", submittedNow("kept", null, AggregationStrategy.COLLECT, "a", "b"));
        KeyValueStore<String, BranchResult> kept = driver.getKeyValueStore(AggregatorTopology.RESULTS_STORE_NAME);

        results.pipeInput("kept", result("kept", "a", BranchStatus.FAILED, null));
        assertThat(kept.get(JoinStores.resultKey("kept", "a")).getStatus()).isEqualTo(BranchStatus.FAILED);
        results.pipeInput("kept", succeeded("kept", "a", "first success"));
        results.pipeInput("kept", succeeded("kept", "a", "second success"));

        assertThat(kept.get(JoinStores.resultKey("kept", "a")).getOutput()).isEqualTo("first success");
        results.pipeInput("kept", succeeded("kept", "b", "B"));
        assertThat(jobResults.readValue().getBranches().get(0).getOutput()).isEqualTo("first success");
    }

    @Test
    void a_finished_jobs_state_is_removed_after_the_retention_and_so_are_results_whose_manifest_never_came() {
        manifests.pipeInput("done", submittedNow("done", null, AggregationStrategy.COLLECT, "a"));
        results.pipeInput("done", succeeded("done", "a", "A"));
        results.pipeInput("orphan", succeeded("orphan", "a", "no manifest"));
        assertThat(joinStore().get("done")).isNotNull();
        assertThat(joinStore().get("orphan")).isNotNull();

        advance(SETTINGS.finishedRetention().plusSeconds(1));
        assertThat(joinStore().get("done")).as("finished, past retention").isNull();
        assertThat(joinStore().get("orphan")).as("orphan retention is longer").isNotNull();

        advance(SETTINGS.orphanRetention());
        assertThat(joinStore().get("orphan")).isNull();
        KeyValueStore<String, BranchResult> kept = driver.getKeyValueStore(AggregatorTopology.RESULTS_STORE_NAME);
        try (var all = kept.all()) {
            assertThat(all.hasNext()).as("no branch result left behind").isFalse();
        }
        KeyValueStore<String, String> timers = driver.getKeyValueStore(AggregatorTopology.TIMERS_STORE_NAME);
        try (var all = timers.all()) {
            assertThat(all.hasNext()).as("no timer left behind").isFalse();
        }
    }

    @Test
    void vote_picks_the_majority_of_normalised_answers() {
        manifests.pipeInput("vote", submittedNow("vote", null, AggregationStrategy.VOTE, "a", "b", "c", "d"));
        results.pipeInput("vote", succeeded("vote", "a", "Paris."));
        results.pipeInput("vote", succeeded("vote", "b", "  paris "));
        results.pipeInput("vote", succeeded("vote", "c", "Lyon"));
        results.pipeInput("vote", result("vote", "d", BranchStatus.FAILED, null));

        JobResult job = jobResults.readValue();
        assertThat(job.getAggregation()).isEqualTo(AggregationStrategy.VOTE);
        assertThat(job.getOutput()).isEqualTo(
                "{\"answer\":\"Paris.\",\"votes\":2,\"voters\":3,\"tie\":false,\"tally\":{\"paris\":2,\"lyon\":1}}");
    }

    @Test
    void vote_reports_a_tie_without_an_answer() {
        manifests.pipeInput("tie", submittedNow("tie", null, AggregationStrategy.VOTE, "a", "b"));
        results.pipeInput("tie", succeeded("tie", "a", "yes"));
        results.pipeInput("tie", succeeded("tie", "b", "No!"));

        assertThat(jobResults.readValue().getOutput()).isEqualTo(
                "{\"answer\":null,\"votes\":1,\"voters\":2,\"tie\":true,\"tiedAnswers\":[\"yes\",\"no\"],"
                        + "\"tally\":{\"yes\":1,\"no\":1}}");
    }

    @Test
    void every_completed_job_is_announced_on_the_job_events_topic() {
        manifests.pipeInput("told", submittedNow("told", null, AggregationStrategy.COLLECT, "a"));
        results.pipeInput("told", succeeded("told", "a", "A"));

        JobEvent event = jobEvents.readValue();
        assertThat(event.getType()).isEqualTo(JobEventType.JOB_COMPLETED);
        assertThat(event.getJobId()).isEqualTo("told");
        assertThat(event.getMessage()).isEqualTo("SUCCEEDED by ALL");
        assertThat(event.getAt()).isEqualTo(NOW);
    }

    @Test
    void first_success_completes_the_job_and_cancels_the_branches_still_running() {
        JobManifest first = JobManifest.newBuilder(submittedNow("race", null, AggregationStrategy.COLLECT,
                "a", "b", "c")).setCompletion(CompletionPolicy.newBuilder().setMode(CompletionMode.FIRST).build())
                .build();
        manifests.pipeInput("race", first);
        results.pipeInput("race", result("race", "a", BranchStatus.FAILED, null));
        results.pipeInput("race", succeeded("race", "b", "B wins"));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getCompletedBy()).isEqualTo("FIRST");
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("a=FAILED", "b=SUCCEEDED", "c=CANCELLED");
        JobControl cancel = controlOut.readValue();
        assertThat(cancel.getJobId()).isEqualTo("race");
        assertThat(cancel.getRound()).isEqualTo(1);
        assertThat(cancel.getAction()).isEqualTo(ControlAction.CANCEL);
        assertThat(cancel.getReason()).isEqualTo("job race completed by FIRST");
    }

    @Test
    void a_job_whose_branches_all_finished_needs_no_cancel() {
        manifests.pipeInput("all", submittedNow("all", null, AggregationStrategy.COLLECT, "a"));
        results.pipeInput("all", succeeded("all", "a", "A"));

        assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(controlOut.isEmpty()).isTrue();
    }

    @Test
    void a_cancel_request_completes_the_open_round_as_cancelled_once_and_names_the_round_for_workers() {
        manifests.pipeInput("unwanted", submittedNow("unwanted", null, AggregationStrategy.COLLECT, "a", "b"));
        results.pipeInput("unwanted", succeeded("unwanted", "a", "A"));
        JobControl request = JobControl.newBuilder().setJobId("unwanted").setReason("cancelled by ada")
                .setAt(NOW).build();
        controlIn.pipeInput("unwanted", request);

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.CANCELLED);
        assertThat(job.getCompletedBy()).isEqualTo("CANCELLED");
        assertThat(job.getOutput()).as("what had arrived").isEqualTo("{\"a\":\"A\"}");
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("a=SUCCEEDED", "b=CANCELLED");
        assertThat(controlOut.readValue().getRound()).isEqualTo(1);

        controlIn.pipeInput("unwanted", request);
        results.pipeInput("unwanted", succeeded("unwanted", "b", "B, too late"));
        assertThat(jobResults.isEmpty()).as("cancelled once; late inputs change nothing").isTrue();
    }

    @Test
    void a_cancel_that_overtakes_the_manifest_cancels_the_job_when_the_manifest_arrives() {
        controlIn.pipeInput("early", JobControl.newBuilder().setJobId("early").setReason("too soon").setAt(NOW)
                .build());
        assertThat(jobResults.isEmpty()).isTrue();

        manifests.pipeInput("early", submittedNow("early", null, AggregationStrategy.COLLECT, "a"));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.CANCELLED);
        assertThat(job.getBranches()).extracting(b -> b.getStatus()).containsExactly(BranchStatus.CANCELLED);
        assertThat(controlOut.readValue().getRound()).as("workers told to skip round 1").isEqualTo(1);
    }

    @Test
    void a_cancel_of_a_job_that_never_comes_expires_with_the_orphans() {
        controlIn.pipeInput("never-submitted", JobControl.newBuilder().setJobId("never-submitted")
                .setReason("typo").setAt(NOW).build());
        assertThat(joinStore().get("never-submitted")).isNotNull();

        advance(SETTINGS.orphanRetention().plusSeconds(1));

        assertThat(joinStore().get("never-submitted")).isNull();
        assertThat(jobResults.isEmpty()).isTrue();
    }

    @Test
    void synthesize_runs_one_more_task_over_the_outputs_and_its_answer_becomes_the_jobs() {
        manifests.pipeInput("syn", aggregatedBy("syn", AggregationSpec.newBuilder()
                .setStrategy(AggregationStrategy.SYNTHESIZE).setModel("big").setPrompt("Write one paragraph.")
                .build(), "a", "b"));
        results.pipeInput("syn", succeeded("syn", "a", "Kafka has queues now."));
        results.pipeInput("syn", succeeded("syn", "b", "Share groups exist."));

        assertThat(jobResults.isEmpty()).as("waiting for the synthesis").isTrue();
        BranchTask task = tasks.readValue();
        assertThat(task.getJobId()).isEqualTo("syn");
        assertThat(task.getBranch().getBranchId()).isEqualTo(FinalAggregation.BRANCH_ID);
        assertThat(task.getBranch().getLlm().getModel()).isEqualTo("big");
        assertThat(task.getBranch().getLlm().getUserPrompt()).isEqualTo("Write one paragraph.\n\n{{outputs}}");
        assertThat(task.getInputs()).containsEntry("a", "Kafka has queues now.")
                .containsEntry("outputs", "[a]\nKafka has queues now.\n\n[b]\nShare groups exist.");

        results.pipeInput("syn", finalResult("syn", BranchStatus.SUCCEEDED, "Kafka has queues: share groups."));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getCompletedBy()).isEqualTo("ALL");
        assertThat(job.getOutput()).isEqualTo("Kafka has queues: share groups.");
        assertThat(job.getBranches()).extracting(b -> b.getBranchId()).containsExactly("a", "b");
        assertThat(tasks.isEmpty()).as("one final task").isTrue();
    }

    @Test
    void select_by_an_llm_judge_returns_the_variant_it_named() {
        manifests.pipeInput("ab", aggregatedBy("ab", AggregationSpec.newBuilder()
                .setStrategy(AggregationStrategy.SELECT).setPrompt("the clearer one").build(), "variant-a", "variant-b"));
        results.pipeInput("ab", succeeded("ab", "variant-a", "A long winding answer"));
        results.pipeInput("ab", succeeded("ab", "variant-b", "A crisp answer"));
        assertThat(tasks.readValue().getBranch().getLlm().getUserPrompt()).startsWith("Criteria: the clearer one");

        results.pipeInput("ab", finalResult("ab", BranchStatus.SUCCEEDED, "[variant-b] because it is shorter"));

        assertThat(jobResults.readValue().getOutput()).isEqualTo("{\"selected\":\"variant-b\",\"answer\":"
                + "\"A crisp answer\",\"by\":\"judge\",\"verdict\":\"[variant-b] because it is shorter\"}");
    }

    @Test
    void select_by_a_named_scorer_needs_no_extra_task() {
        manifests.pipeInput("score", aggregatedBy("score", AggregationSpec.newBuilder()
                .setStrategy(AggregationStrategy.SELECT).setScorer("longest").build(), "a", "b"));
        results.pipeInput("score", succeeded("score", "a", "short"));
        results.pipeInput("score", succeeded("score", "b", "much longer"));

        assertThat(tasks.isEmpty()).isTrue();
        assertThat(jobResults.readValue().getOutput())
                .isEqualTo("{\"selected\":\"b\",\"answer\":\"much longer\",\"by\":\"scorer longest\"}");
    }

    @Test
    void a_failed_synthesis_leaves_the_job_partial_with_the_reason() {
        manifests.pipeInput("syn-fail", aggregatedBy("syn-fail", AggregationSpec.newBuilder()
                .setStrategy(AggregationStrategy.SYNTHESIZE).build(), "a"));
        results.pipeInput("syn-fail", succeeded("syn-fail", "a", "A"));
        results.pipeInput("syn-fail", BranchResult.newBuilder(finalResult("syn-fail", BranchStatus.FAILED, null))
                .setError(new BranchError("AuthenticationException", "401", false)).build());

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.PARTIAL);
        assertThat(job.getOutput()).isNull();
        assertThat(job.getAggregationError().getErrorClass()).isEqualTo("AuthenticationException");
    }

    @Test
    void a_deadline_during_the_synthesis_completes_the_job_without_an_answer_and_says_why() {
        manifests.pipeInput("syn-late", JobManifest.newBuilder(aggregatedBy("syn-late", AggregationSpec.newBuilder()
                .setStrategy(AggregationStrategy.SYNTHESIZE).build(), "a"))
                .setCompletion(CompletionPolicy.newBuilder().setDeadlineMs(5_000L).build()).build());
        results.pipeInput("syn-late", succeeded("syn-late", "a", "A"));
        assertThat(tasks.readValue().getBranch().getBranchId()).isEqualTo(FinalAggregation.BRANCH_ID);

        advance(Duration.ofSeconds(6));

        JobResult job = jobResults.readValue();
        assertThat(job.getCompletedBy()).isEqualTo("DEADLINE");
        assertThat(job.getStatus()).isEqualTo(JobStatus.PARTIAL);
        assertThat(job.getAggregationError().getMessage()).contains("before its SYNTHESIZE step finished");
    }

    @Test
    void a_child_jobs_result_becomes_its_parents_branch_result() {
        JobManifest parent = JobManifest.newBuilder(submittedNow("parent", null, AggregationStrategy.COLLECT,
                "intro", "research")).build();
        parent.getBranches().get(1).setKind(BranchKind.JOB);
        manifests.pipeInput("parent", parent);
        results.pipeInput("parent", succeeded("parent", "intro", "Hello"));
        JobManifest child = JobManifest.newBuilder(submittedNow("parent/research", null,
                AggregationStrategy.COLLECT, "x", "y")).setParentJobId("parent")
                .setMetadata(java.util.Map.of("braid.parent.branchId", "research", "braid.parent.round", "1")).build();
        manifests.pipeInput("parent/research", child);
        results.pipeInput("parent/research", succeeded("parent/research", "x", "X"));
        results.pipeInput("parent/research", succeeded("parent/research", "y", "Y"));

        JobResult childResult = jobResults.readValue();
        assertThat(childResult.getJobId()).isEqualTo("parent/research");
        assertThat(childResult.getParentJobId()).isEqualTo("parent");
        // the child's result reaches the parent through the results topic, as TopologyTestDriver pipes it back
        BranchResult asBranch = driver.createOutputTopic(topics.results(), new StringDeserializer(),
                new AvroDeserializer<>(registry, BranchResult.class)).readValue();
        assertThat(asBranch.getJobId()).isEqualTo("parent");
        assertThat(asBranch.getBranchId()).isEqualTo("research");
        assertThat(asBranch.getStatus()).isEqualTo(BranchStatus.SUCCEEDED);
        results.pipeInput("parent", asBranch);

        JobResult job = jobResults.readValue();
        assertThat(job.getJobId()).isEqualTo("parent");
        assertThat(job.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getOutput()).isEqualTo("{\"intro\":\"Hello\",\"research\":\"{\\\"x\\\":\\\"X\\\",\\\"y\\\":\\\"Y\\\"}\"}");
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getKind())
                .containsExactly("intro=LLM", "research=JOB");
    }

    @Test
    void a_parent_that_ends_early_cancels_its_unfinished_child_jobs() {
        JobManifest parent = JobManifest.newBuilder(submittedNow("p2", null, AggregationStrategy.COLLECT,
                "quick", "nested")).setCompletion(CompletionPolicy.newBuilder().setMode(CompletionMode.FIRST).build())
                .build();
        parent.getBranches().get(1).setKind(BranchKind.JOB);
        manifests.pipeInput("p2", parent);
        results.pipeInput("p2", succeeded("p2", "quick", "Q"));

        assertThat(jobResults.readValue().getCompletedBy()).isEqualTo("FIRST");
        assertThat(controlOut.readValuesToList()).extracting(c -> c.getJobId() + "@" + c.getRound())
                .containsExactly("p2@1", "p2/nested@0");
    }

    @Test
    void a_quorum_completes_the_job_once_enough_branches_succeeded_failures_not_counting() {
        manifests.pipeInput("q", JobManifest.newBuilder(submittedNow("q", null, AggregationStrategy.COLLECT,
                "a", "b", "c", "d")).setCompletion(CompletionPolicy.newBuilder().setMode(CompletionMode.QUORUM)
                .setQuorum(2).build()).build());
        results.pipeInput("q", succeeded("q", "a", "A"));
        results.pipeInput("q", result("q", "b", BranchStatus.FAILED, null));
        assertThat(jobResults.isEmpty()).as("one success of two needed").isTrue();

        results.pipeInput("q", succeeded("q", "c", "C"));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getCompletedBy()).isEqualTo("QUORUM");
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("a=SUCCEEDED", "b=FAILED", "c=SUCCEEDED", "d=CANCELLED");
    }

    @Test
    void fail_fast_ends_the_job_at_its_first_failed_branch() {
        manifests.pipeInput("ff", JobManifest.newBuilder(submittedNow("ff", null, AggregationStrategy.COLLECT,
                "a", "b", "c")).setCompletion(CompletionPolicy.newBuilder()
                .setOnBranchFailure(FailurePolicy.FAIL_FAST).build()).build());
        results.pipeInput("ff", succeeded("ff", "a", "A"));
        results.pipeInput("ff", result("ff", "b", BranchStatus.TIMED_OUT, null));

        JobResult job = jobResults.readValue();
        assertThat(job.getCompletedBy()).isEqualTo("FAIL_FAST");
        assertThat(job.getStatus()).isEqualTo(JobStatus.PARTIAL);
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("a=SUCCEEDED", "b=TIMED_OUT", "c=CANCELLED");
    }

    @Test
    void template_fills_each_branch_output_then_the_jobs_inputs_into_the_text() {
        manifests.pipeInput("t", JobManifest.newBuilder(aggregatedBy("t", AggregationSpec.newBuilder()
                .setStrategy(AggregationStrategy.TEMPLATE)
                .setTemplate("# {{title}} ({{audience}})\n\n{{body}} {{unknown}}").build(), "title", "body"))
                .setInputs(java.util.Map.of("audience", "engineers", "title", "an input loses to the branch"))
                .build());
        results.pipeInput("t", succeeded("t", "title", "Queues"));
        results.pipeInput("t", succeeded("t", "body", "Share groups are here."));

        assertThat(jobResults.readValue().getOutput())
                .isEqualTo("# Queues (engineers)\n\nShare groups are here. {{unknown}}");
    }

    /** A completed job "r" whose branch "a" succeeded and "b" failed, its manifest carrying the branch specs. */
    private void failedJob(String jobId) {
        JobManifest manifest = JobManifest.newBuilder(submittedNow(jobId, null, AggregationStrategy.COLLECT, "a", "b"))
                .setSpecs(List.of(llmSpec("a"), llmSpec("b"))).setInputs(java.util.Map.of("topic", "queues"))
                .build();
        manifests.pipeInput(jobId, manifest);
        results.pipeInput(jobId, succeeded(jobId, "a", "A"));
        results.pipeInput(jobId, result(jobId, "b", BranchStatus.FAILED, null));
        assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.PARTIAL);
    }

    private static BranchSpec llmSpec(String branchId) {
        return BranchSpec.newBuilder().setBranchId(branchId).setKind(BranchKind.LLM)
                .setLlm(LlmCall.newBuilder().setUserPrompt("about {{topic}}").build()).build();
    }

    private void replay(String jobId, String model, String... branches) {
        controlIn.pipeInput(jobId, JobControl.newBuilder().setJobId(jobId).setAction(ControlAction.REPLAY)
                .setReason("test").setAt(NOW).setBranches(List.of(branches)).setModel(model).build());
    }

    private BranchResult roundTwo(BranchResult result) {
        return BranchResult.newBuilder(result).setRound(2).build();
    }

    @Test
    void a_replay_runs_only_the_failed_branches_in_a_new_round_and_keeps_the_successes() {
        failedJob("r");

        replay("r", null);

        List<BranchTask> replayed = tasks.readValuesToList();
        assertThat(replayed).extracting(t -> t.getBranch().getBranchId() + "@" + t.getRound()).containsExactly("b@2");
        assertThat(replayed.get(0).getInputs()).containsEntry("topic", "queues");
        JobEvent event = jobEvents.readValuesToList().stream()
                .filter(e -> e.getType() == JobEventType.JOB_REPLAYED).findFirst().orElseThrow();
        assertThat(event.getMessage()).isEqualTo("round 2 replays b; kept a (already succeeded)");
        assertThat(jobResults.isEmpty()).isTrue();

        results.pipeInput("r", result("r", "b", BranchStatus.FAILED, null));
        assertThat(jobResults.isEmpty()).as("a late round-1 result changes nothing").isTrue();
        results.pipeInput("r", roundTwo(succeeded("r", "b", "B at last")));

        JobResult job = jobResults.readValue();
        assertThat(job.getRound()).isEqualTo(2);
        assertThat(job.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getOutput()).isEqualTo("{\"a\":\"A\",\"b\":\"B at last\"}");
    }

    @Test
    void replays_that_would_change_nothing_are_refused_with_the_reason() {
        failedJob("r2");
        replay("r2", null, "a");
        replay("r2", null, "nope");
        replay("r2", "fallback-model", "b");
        replay("r2", null, "b");

        assertThat(jobEvents.readValuesToList()).filteredOn(e -> e.getType() == JobEventType.REPLAY_REJECTED)
                .extracting(JobEvent::getMessage).containsExactly(
                        "nothing to replay: a already succeeded and will not run again",
                        "unknown branch nope; the job's branches are [a, b]",
                        "round 2 is still running; replay once it completed");
        assertThat(tasks.readValuesToList()).singleElement()
                .satisfies(t -> assertThat(t.getBranch().getLlm().getModel()).isEqualTo("fallback-model"));
    }

    @Test
    void a_replay_of_a_job_the_aggregator_does_not_hold_is_refused_and_stores_nothing() {
        replay("gone", null);

        assertThat(jobEvents.readValue().getMessage()).startsWith("no job 'gone' is held by the aggregator");
        assertThat(joinStore().get("gone")).isNull();
    }
}

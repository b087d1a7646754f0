package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;

import io.braid.schema.DeadLetterHeaders;

import io.braid.orchestrator.Delivery;

import io.braid.schema.BranchError;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchResult;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.ManualClock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static io.braid.testing.JobFixtures.manifest;
import static io.braid.testing.JobFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records a hostile client could write, joined one by one with TopologyTestDriver: each is refused with a dead letter
 * saying why, and the job it aims at completes as if it had never come.
 */
class HostileJoinInputTest {

    private static final Instant NOW = Instant.parse("2026-02-01T10:00:00Z");
    private static final JoinSettings SETTINGS = new JoinSettings(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(45), Duration.ofSeconds(1));

    private final Topics topics = Topics.defaults();
    private final ManualClock clock = new ManualClock(NOW);
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AggregatorErrors.DeadLetters counted = new AggregatorErrors.DeadLetters();
    private TopologyTestDriver driver;
    private TestInputTopic<String, JobManifest> manifests;
    private TestInputTopic<String, BranchResult> results;
    private TestInputTopic<String, byte[]> rawResults;
    private TestInputTopic<String, JobControl> control;
    private TestOutputTopic<String, JobResult> jobResults;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                AggregatorErrors.Deserialization.class.getName());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.aggregatorDeadLetter());
        props.put(AggregatorErrors.DEAD_LETTERS_CONFIG, counted);
        driver = new TopologyTestDriver(AggregatorTopology.build(topics, registry, clock, SETTINGS, Delivery.EXACTLY_ONCE, counted),
                props);
        manifests = driver.createInputTopic(topics.manifests(), new StringSerializer(), new AvroSerializer<>(registry));
        results = driver.createInputTopic(topics.results(), new StringSerializer(), new AvroSerializer<>(registry));
        rawResults = driver.createInputTopic(topics.results(), new StringSerializer(), new ByteArraySerializer());
        control = driver.createInputTopic(topics.control(), new StringSerializer(), new AvroSerializer<>(registry));
        jobResults = driver.createOutputTopic(topics.jobResults(), new StringDeserializer(),
                new AvroDeserializer<>(registry, JobResult.class));
        deadLetters = driver.createOutputTopic(topics.aggregatorDeadLetter(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static JobManifest dispatched(String jobId, String dispatchId, String... branchIds) {
        return JobManifest.newBuilder(manifest(jobId, branchIds)).setSubmittedAt(NOW).setDispatchedAt(NOW)
                .setDispatchId(dispatchId).build();
    }

    private static BranchResult from(String dispatchId, BranchResult result) {
        return BranchResult.newBuilder(result).setDispatchId(dispatchId).build();
    }

    private String reasonOfOnlyDeadLetter() {
        List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
        assertThat(letters).hasSize(1);
        return header(letters.get(0), DeadLetterHeaders.ERROR_CLASS) + ": "
                + header(letters.get(0), DeadLetterHeaders.ERROR_MESSAGE);
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void a_second_job_under_a_held_id_is_refused_and_its_results_do_not_answer_the_first() {
        manifests.pipeInput("job", dispatched("job", "jobs-0@1", "a", "b"));
        manifests.pipeInput("job", dispatched("job", "jobs-0@7", "a"));
        assertThat(reasonOfOnlyDeadLetter()).startsWith("DuplicateJob: job id 'job' is held");

        results.pipeInput("job", from("jobs-0@7", succeeded("job", "a", "attacker's")));
        assertThat(reasonOfOnlyDeadLetter()).contains("dispatch jobs-0@7", "held by dispatch jobs-0@1");
        results.pipeInput("job", from("jobs-0@1", succeeded("job", "a", "A")));
        results.pipeInput("job", from("jobs-0@1", succeeded("job", "b", "B")));

        JobResult only = jobResults.readValue();
        assertThat(only.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(only.getBranches()).extracting(b -> b.getOutput()).containsExactly("A", "B");
        assertThat(jobResults.isEmpty()).isTrue();
    }

    @Test
    void the_same_dispatch_read_again_is_no_duplicate() {
        manifests.pipeInput("job", dispatched("job", "jobs-0@1", "a"));
        manifests.pipeInput("job", dispatched("job", "jobs-0@1", "a"));
        results.pipeInput("job", from("jobs-0@1", succeeded("job", "a", "A")));
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void results_for_a_branch_or_round_the_job_does_not_have_are_refused() {
        manifests.pipeInput("job", dispatched("job", "d", "a"));
        results.pipeInput("job", from("d", succeeded("job", "zzz", "x")));
        assertThat(reasonOfOnlyDeadLetter()).contains("branch 'zzz', which job 'job' does not have");
        results.pipeInput("job", BranchResult.newBuilder(from("d", succeeded("job", "a", "x"))).setRound(7).build());
        assertThat(reasonOfOnlyDeadLetter()).contains("round 7", "open round is 1");
        results.pipeInput("job", from("d", succeeded("job", "a", "A")));
        assertThat(jobResults.readValue().getOutput()).contains("\"a\":\"A\"");
    }

    @Test
    void results_that_came_before_the_manifest_are_checked_when_it_comes() {
        results.pipeInput("job", from("d", succeeded("job", "ghost", "x")));
        results.pipeInput("job", from("d", succeeded("job", "a", "A")));
        manifests.pipeInput("job", dispatched("job", "d", "a", "b"));
        assertThat(reasonOfOnlyDeadLetter()).contains("branch 'ghost'");
        results.pipeInput("job", from("d", succeeded("job", "b", "B")));
        assertThat(jobResults.readValue().getBranches()).extracting(b -> b.getBranchId()).containsExactly("a", "b");
    }

    @Test
    void a_job_branch_takes_its_result_only_from_its_own_child_and_no_other_branch_claims_one() {
        JobManifest parent = JobManifest.newBuilder(dispatched("p", "d", "x"))
                .setBranches(List.of(new BranchRef("kid", BranchKind.JOB), new BranchRef("x", BranchKind.LLM)))
                .build();
        manifests.pipeInput("p", parent);
        results.pipeInput("p", BranchResult.newBuilder(from("d", succeeded("p", "kid", "forged")))
                .setWorkerId("child job other/kid").build());
        assertThat(reasonOfOnlyDeadLetter()).contains("not from its child job");
        results.pipeInput("p", BranchResult.newBuilder(from("d", succeeded("p", "x", "forged")))
                .setWorkerId("child job p/x").build());
        assertThat(reasonOfOnlyDeadLetter()).contains("claims to come from a child job");
        results.pipeInput("p", BranchResult.newBuilder(from("d", succeeded("p", "kid", "K")))
                .setWorkerId("child job p/kid").build());
        results.pipeInput("p", from("d", succeeded("p", "x", "X")));
        assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void a_rejected_record_is_answered_failed_unless_its_id_is_held() {
        BranchError why = new BranchError("InvalidJob", "branches is empty", false);
        manifests.pipeInput("bad", JobManifest.newBuilder(dispatched("bad", "jobs-0@3")).setRejection(why).build());
        JobResult rejected = jobResults.readValue();
        assertThat(rejected.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(rejected.getCompletedBy()).isEqualTo("REJECTED");
        assertThat(rejected.getRejection()).isEqualTo(why);

        manifests.pipeInput("held", dispatched("held", "jobs-0@4", "a"));
        manifests.pipeInput("held", JobManifest.newBuilder(dispatched("held", "jobs-0@5")).setRejection(why).build());
        assertThat(reasonOfOnlyDeadLetter()).startsWith("DuplicateJob");
        assertThat(jobResults.isEmpty()).as("no result under the held id").isTrue();
        results.pipeInput("held", from("jobs-0@4", succeeded("held", "a", "A")));
        assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void a_manifest_that_is_not_round_one_is_refused() {
        manifests.pipeInput("job", JobManifest.newBuilder(dispatched("job", "d", "a")).setRound(3).build());
        assertThat(reasonOfOnlyDeadLetter()).contains("names round 3");
        assertThat(driver.getKeyValueStore(AggregatorTopology.STORE_NAME).get("job")).isNull();
    }

    @Test
    void a_cancel_sent_before_a_job_was_submitted_does_not_cancel_it() {
        control.pipeInput("future", JobControl.newBuilder().setJobId("future").setRound(0)
                .setAction(ControlAction.CANCEL).setReason("pre-emptive").setAt(NOW).build());
        manifests.pipeInput("future", JobManifest.newBuilder(dispatched("future", "d", "a"))
                .setSubmittedAt(NOW.plus(Duration.ofMinutes(1))).build());
        assertThat(reasonOfOnlyDeadLetter()).contains("before the job was submitted");
        results.pipeInput("future", from("d", succeeded("future", "a", "A")));
        assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void a_cancel_dated_in_the_future_is_refused() {
        control.pipeInput("job", JobControl.newBuilder().setJobId("job").setRound(0).setAction(ControlAction.CANCEL)
                .setReason("from the future").setAt(NOW.plus(Duration.ofDays(365))).build());
        assertThat(reasonOfOnlyDeadLetter()).contains("in the future");
        manifests.pipeInput("job", dispatched("job", "d", "a"));
        results.pipeInput("job", from("d", succeeded("job", "a", "A")));
        assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void a_record_whose_key_is_not_its_job_id_is_refused() {
        manifests.pipeInput("job", dispatched("job", "d", "a"));
        results.pipeInput("job", from("d", succeeded("someone-else", "a", "x")));
        assertThat(reasonOfOnlyDeadLetter()).contains("is not its jobId (someone-else)");
    }

    @Test
    void an_unreadable_result_is_dead_lettered_with_its_bytes_and_counted() {
        byte[] garbage = {0, 0, 0, 0, 42, 1, 2, 3};
        rawResults.pipeInput("job", garbage);
        List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).value()).isEqualTo(garbage);
        assertThat(header(letters.get(0), DeadLetterHeaders.INPUT)).isEqualTo("unreadable");
        assertThat(counted.count()).isEqualTo(1);
    }

    @Test
    void a_job_result_over_the_record_limit_is_answered_failed_without_outputs() {
        driver.close();
        driver = new TopologyTestDriver(AggregatorTopology.build(topics, registry, clock,
                SETTINGS.withMaxResultBytes(64 * 1024), Delivery.EXACTLY_ONCE, counted));
        manifests = driver.createInputTopic(topics.manifests(), new StringSerializer(), new AvroSerializer<>(registry));
        results = driver.createInputTopic(topics.results(), new StringSerializer(), new AvroSerializer<>(registry));
        jobResults = driver.createOutputTopic(topics.jobResults(), new StringDeserializer(),
                new AvroDeserializer<>(registry, JobResult.class));
        manifests.pipeInput("big", dispatched("big", "d", "a", "b"));
        results.pipeInput("big", from("d", succeeded("big", "a", "x".repeat(30_000))));
        results.pipeInput("big", from("d", succeeded("big", "b", "y".repeat(30_000))));
        JobResult result = jobResults.readValue();
        assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(result.getAggregationError().getErrorClass()).isEqualTo("ResultTooLarge");
        assertThat(result.getAggregationError().getMessage()).contains("over the record limit of 65536 bytes");
        assertThat(result.getOutput()).isNull();
        assertThat(result.getBranches()).allSatisfy(b -> assertThat(b.getOutput()).isNull());
    }
}

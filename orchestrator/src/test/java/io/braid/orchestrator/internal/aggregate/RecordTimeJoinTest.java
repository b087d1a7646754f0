package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;

import io.braid.orchestrator.Delivery;

import io.braid.schema.BranchError;
import io.braid.schema.BranchResult;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.ManualClock;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static io.braid.testing.JobFixtures.manifest;
import static io.braid.testing.JobFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The join in the low-latency mode takes its time from its inputs: processing the same records again — what an
 * at-least-once aggregator does after a crash, from state that may have lost the last steps — writes the same
 * JobResult, completedAt included, however much later it happens.
 */
class RecordTimeJoinTest {

    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    private static final JoinSettings SETTINGS = new JoinSettings(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(45), Duration.ofSeconds(1));

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    /** Runs a fresh join (empty state) whose clock reads {@code clockTime}, feeds it, returns its job results. */
    private List<JobResult> join(Instant clockTime, Consumer<Inputs> feed) {
        ManualClock clock = new ManualClock(clockTime);
        try (TopologyTestDriver driver = new TopologyTestDriver(
                AggregatorTopology.build(topics, registry, clock, SETTINGS, Delivery.LOW_LATENCY,
                        new AggregatorErrors.DeadLetters()))) {
            Inputs inputs = new Inputs(
                    driver.createInputTopic(topics.manifests(), new StringSerializer(), new AvroSerializer<>(registry)),
                    driver.createInputTopic(topics.results(), new StringSerializer(), new AvroSerializer<>(registry)),
                    driver);
            feed.accept(inputs);
            return driver.createOutputTopic(topics.jobResults(), new StringDeserializer(),
                    new AvroDeserializer<>(registry, JobResult.class)).readValuesToList();
        }
    }

    private record Inputs(TestInputTopic<String, JobManifest> manifests, TestInputTopic<String, BranchResult> results,
                          TopologyTestDriver driver) {
    }

    private static void threeBranches(Inputs in) {
        JobManifest manifest = dispatchedAtT0("job-r", "a", "b", "c");
        in.manifests().pipeInput("job-r", manifest, T0.plusMillis(5));
        in.results().pipeInput("job-r", succeeded("job-r", "a", "A"), T0.plusMillis(40));
        in.results().pipeInput("job-r", succeeded("job-r", "b", "B"), T0.plusMillis(55));
        in.results().pipeInput("job-r", succeeded("job-r", "c", "C"), T0.plusMillis(61));
    }

    @Test
    void reprocessingTheSameInputsLaterWritesAnIdenticalJobResult() {
        List<JobResult> first = join(T0.plusSeconds(1), RecordTimeJoinTest::threeBranches);
        List<JobResult> repeat = join(T0.plusSeconds(3600), RecordTimeJoinTest::threeBranches);

        assertThat(first).hasSize(1);
        assertThat(first.getFirst().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(first.getFirst().getCompletedAt()).isEqualTo(T0.plusMillis(61));
        assertThat(repeat).hasSize(1);
        // Avro's equals cannot compare arrays of records with timestamps; their JSON says the same
        assertThat(repeat.getFirst().toString()).isEqualTo(first.getFirst().toString());
    }

    @Test
    void aJobCompletedByAnOlderRecordIsStampedNoEarlierThanItsLastBranchFinished() {
        // b's record (written the moment b finished) is appended before a's, which waited in another producer's batch
        Consumer<Inputs> outOfOrder = in -> {
            JobManifest manifest = dispatchedAtT0("job-o", "a", "b");
            in.manifests().pipeInput("job-o", manifest, T0);
            in.results().pipeInput("job-o", finishedAt(succeeded("job-o", "b", "B"), T0.plusMillis(70)),
                    T0.plusMillis(70));
            in.results().pipeInput("job-o", finishedAt(succeeded("job-o", "a", "A"), T0.plusMillis(50)),
                    T0.plusMillis(66));
        };
        List<JobResult> first = join(T0.plusSeconds(1), outOfOrder);
        List<JobResult> repeat = join(T0.plusSeconds(3600), outOfOrder);

        assertThat(first).singleElement().satisfies(result -> {
            assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(result.getCompletedAt()).isEqualTo(T0.plusMillis(70));
        });
        assertThat(repeat).hasSize(1);
        assertThat(repeat.getFirst().toString()).isEqualTo(first.getFirst().toString());
    }

    @Test
    void aJobDispatchedAgainWhileItsBranchesRunWritesTheSameJobResult() {
        // A dispatcher crash sends the job record again: the same dispatch, later, under a new dispatch span
        JobManifest first = traced(dispatchedAtT0("job-t", "a", "b"), "00f067aa0ba902b7");
        JobManifest again = JobManifest.newBuilder(traced(first, "1111111111111111"))
                .setDispatchedAt(T0.plusSeconds(2)).build();
        List<JobResult> before = join(T0.plusSeconds(1), in -> {
            in.manifests().pipeInput("job-t", first, T0);
            in.results().pipeInput("job-t", succeeded("job-t", "a", "A"), T0.plusMillis(40));
            in.results().pipeInput("job-t", succeeded("job-t", "b", "B"), T0.plusMillis(50));
        });
        // after an aggregator crash, the same inputs from the committed offsets, the second dispatch among them
        List<JobResult> repeat = join(T0.plusSeconds(3600), in -> {
            in.manifests().pipeInput("job-t", first, T0);
            in.results().pipeInput("job-t", succeeded("job-t", "a", "A"), T0.plusMillis(40));
            in.manifests().pipeInput("job-t", again, T0.plusMillis(45));
            in.results().pipeInput("job-t", succeeded("job-t", "b", "B"), T0.plusMillis(50));
        });

        assertThat(before).singleElement().satisfies(result -> assertThat(result.getMetadata())
                .containsEntry("braid.traceparent", first.getMetadata().get("braid.traceparent")));
        assertThat(repeat).hasSize(1);
        assertThat(repeat.getFirst().toString()).isEqualTo(before.getFirst().toString());
    }

    @Test
    void aRejectionOfTheHeldDispatchStillEndsTheJob() {
        // the broker refused a task of the job after its manifest was written: the record, read again, is refused
        JobManifest first = traced(dispatchedAtT0("job-x", "a", "b"), "00f067aa0ba902b7");
        JobManifest refused = JobManifest.newBuilder(traced(first, "1111111111111111")).setDispatchedAt(T0.plusSeconds(2))
                .setBranches(List.of()).setRejection(new BranchError("TooLarge", "the broker refused", false)).build();
        List<JobResult> results = join(T0.plusSeconds(1), in -> {
            in.manifests().pipeInput("job-x", first, T0);
            in.results().pipeInput("job-x", succeeded("job-x", "a", "A"), T0.plusMillis(40));
            in.manifests().pipeInput("job-x", refused, T0.plusMillis(45));
        });

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
            assertThat(result.getCompletedBy()).isEqualTo("REJECTED");
            assertThat(result.getRejection().getErrorClass()).isEqualTo("TooLarge");
        });
    }

    /** {@code manifest} as a tracing dispatcher writes it: its dispatch span, {@code spanId}, in its metadata. */
    private static JobManifest traced(JobManifest manifest, String spanId) {
        return JobManifest.newBuilder(manifest).setDispatchId("braid.jobs-0@7").setMetadata(Map.of(
                "braid.traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-" + spanId + "-01")).build();
    }

    /** The manifest of {@code jobId} with its branches, submitted and dispatched at {@link #T0}. */
    private static JobManifest dispatchedAtT0(String jobId, String... branchIds) {
        return JobManifest.newBuilder(manifest(jobId, branchIds)).setSubmittedAt(T0).setDispatchedAt(T0).build();
    }

    private static BranchResult finishedAt(BranchResult result, Instant finishedAt) {
        return BranchResult.newBuilder(result).setFinishedAt(finishedAt).build();
    }

    @Test
    void aDeadlineCompletionIsStampedWithTheDeadlineNotWhenTheTimerRan() {
        Consumer<Inputs> oneOfTwo = in -> {
            JobManifest manifest = dispatchedAtT0("job-d", "a", "b");
            in.manifests().pipeInput("job-d", manifest, T0);
            in.results().pipeInput("job-d", succeeded("job-d", "a", "A"), T0.plusMillis(30));
            in.driver().advanceWallClockTime(Duration.ofSeconds(61));
        };
        List<JobResult> first = join(T0.plusSeconds(61), oneOfTwo);
        List<JobResult> repeat = join(T0.plusSeconds(600), oneOfTwo);

        assertThat(first).singleElement().satisfies(result -> {
            assertThat(result.getCompletedBy()).isEqualTo("DEADLINE");
            assertThat(result.getCompletedAt()).isEqualTo(T0.plusSeconds(60));
        });
        assertThat(repeat).hasSize(1);
        assertThat(repeat.getFirst().toString()).isEqualTo(first.getFirst().toString());
    }
}

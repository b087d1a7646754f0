package io.braid.worker.internal.consume;

import io.braid.schema.BranchError;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.LlmCall;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.braid.testing.JobFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Which progress events a branch publishes: each when it happens. */
class ProgressPublisherTest {

    private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final ManualClock clock = new ManualClock(T0);

    private ProgressPublisher publisher() {
        return new ProgressPublisher(Topics.defaults(), new AvroSerializer<>(schemas), producer, "worker-1", clock);
    }

    private List<JobEvent> published() {
        AvroDeserializer<JobEvent> events = new AvroDeserializer<>(schemas, JobEvent.class);
        return producer.history().stream().map(record -> {
            assertThat(record.topic()).isEqualTo(Topics.defaults().jobEvents());
            return events.deserialize(record.topic(), record.value());
        }).toList();
    }

    private static BranchTask task(String branchId) {
        return BranchTask.newBuilder().setJobId("job-1").setDispatchedAt(T0)
                .setBranch(BranchSpec.newBuilder().setBranchId(branchId).setKind(BranchKind.LLM)
                        .setLlm(LlmCall.newBuilder().setUserPrompt("hello").build()).build())
                .build();
    }

    private static BranchResult result(String branchId, int attempt, Instant startedAt) {
        BranchResult result = JobFixtures.succeeded("job-1", branchId, "done");
        result.setAttempt(attempt);
        result.setStartedAt(startedAt);
        return result;
    }

    @Test
    void a_branch_publishes_its_start_at_once_and_its_finish_says_when_it_started() {
        ProgressPublisher progress = publisher();

        progress.started(task("b1"), 1);
        assertThat(published()).singleElement().satisfies(started -> {
            assertThat(started.getType()).isEqualTo(JobEventType.BRANCH_STARTED);
            assertThat(started.getAt()).isEqualTo(T0);
            assertThat(started.getWorkerId()).isEqualTo("worker-1");
        });
        clock.advance(Duration.ofMillis(7));
        progress.finished(result("b1", 1, T0));

        assertThat(published()).last().satisfies(event -> {
            assertThat(event.getType()).isEqualTo(JobEventType.BRANCH_FINISHED);
            assertThat(event.getBranchId()).isEqualTo("b1");
            assertThat(event.getBranchStatus()).isEqualTo(BranchStatus.SUCCEEDED);
            assertThat(event.getStartedAt()).isEqualTo(T0);
            assertThat(event.getAt()).isEqualTo(T0.plusMillis(7));
        });
    }

    @Test
    void a_finished_branch_says_what_its_model_calls_spent() {
        BranchResult result = result("b1", 1, T0);
        result.setUsage(new io.braid.schema.TokenUsage(120, 30));
        result.setCost(0.0042);

        publisher().finished(result);

        assertThat(published()).singleElement().satisfies(event -> {
            assertThat(event.getUsage()).isEqualTo(new io.braid.schema.TokenUsage(120, 30));
            assertThat(event.getCost()).isEqualTo(0.0042);
        });
    }

    @Test
    void a_retried_branch_publishes_start_retry_and_finish_in_order() {
        ProgressPublisher progress = publisher();

        progress.started(task("b1"), 1);
        progress.retrying(task("b1"), 1, BranchError.newBuilder().setErrorClass("RateLimitException")
                .setMessage("429").setRetriable(true).build());
        progress.started(task("b1"), 2);
        progress.finished(result("b1", 2, T0));

        assertThat(published()).extracting(JobEvent::getType, JobEvent::getAttempt).containsExactly(
                tuple(JobEventType.BRANCH_STARTED, 1),
                tuple(JobEventType.BRANCH_RETRYING, 1),
                tuple(JobEventType.BRANCH_STARTED, 2),
                tuple(JobEventType.BRANCH_FINISHED, 2));
        assertThat(published().get(1).getMessage()).isEqualTo("RateLimitException: 429");
    }

    @Test
    void every_start_is_published_at_once() {
        ProgressPublisher progress = publisher();

        progress.started(task("b1"), 1);
        progress.started(task("b2"), 1);

        assertThat(published()).extracting(JobEvent::getType, JobEvent::getBranchId).containsExactly(
                tuple(JobEventType.BRANCH_STARTED, "b1"),
                tuple(JobEventType.BRANCH_STARTED, "b2"));
    }

    @Test
    void partial_output_goes_out_at_most_every_250_ms_per_branch_in_bounded_chunks() {
        ProgressPublisher progress = publisher();

        progress.partialOutput(task("b1"), "Hello ");
        progress.partialOutput(task("b1"), "wor");
        progress.partialOutput(task("b2"), "other");
        clock.advance(Duration.ofMillis(249));
        progress.partialOutput(task("b1"), "ld");
        assertThat(published()).extracting(JobEvent::getType, JobEvent::getBranchId, JobEvent::getMessage)
                .containsExactly(tuple(JobEventType.BRANCH_OUTPUT, "b1", "Hello "),
                        tuple(JobEventType.BRANCH_OUTPUT, "b2", "other"));

        clock.advance(Duration.ofMillis(1));
        progress.partialOutput(task("b1"), "x".repeat(3 * ProgressPublisher.OUTPUT_CHUNK));
        assertThat(published().get(2).getMessage()).hasSize(ProgressPublisher.OUTPUT_CHUNK).startsWith("world");

        progress.finished(result("b1", 1, T0));
        clock.advance(Duration.ofMillis(1));
        progress.partialOutput(task("b1"), "again");
        assertThat(published()).last().satisfies(event -> assertThat(event.getMessage())
                .as("a finished branch's waiting text is dropped: its result has the output").isEqualTo("again"));
    }

    @Test
    void a_branch_that_ends_without_finishing_frees_its_slot_for_other_branches_output() {
        ProgressPublisher progress = publisher();
        progress.partialOutput(task("b1"), "Hello");
        clock.advance(Duration.ofMillis(1));
        progress.partialOutput(task("b1"), " waiting");
        assertThat(progress.streamingBranches()).isEqualTo(1);

        progress.ended(task("b1"));

        assertThat(progress.streamingBranches()).isZero();
        clock.advance(Duration.ofSeconds(1));
        progress.partialOutput(task("b1"), "next delivery");
        assertThat(published()).last().satisfies(event -> assertThat(event.getMessage())
                .as("the ended delivery's waiting text is dropped").isEqualTo("next delivery"));
    }
}

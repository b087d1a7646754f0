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
import io.braid.worker.internal.observe.HealthProblems;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.braid.testing.JobFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** Which progress events a branch publishes, and when: the started-event delay. */
class ProgressPublisherTest {

    private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final ManualClock clock = new ManualClock(T0);
    private ProgressPublisher publisher;

    @AfterEach
    void close() {
        publisher.close();
    }

    private ProgressPublisher publisher(Duration startedEventDelay) {
        publisher = new ProgressPublisher(Topics.defaults(), new AvroSerializer<>(schemas), producer, "worker-1",
                clock, startedEventDelay, new HealthProblems(clock));
        return publisher;
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
    void a_branch_finishing_within_the_delay_publishes_only_its_finish_which_says_when_it_started() {
        ProgressPublisher progress = publisher(Duration.ofHours(1));

        progress.started(task("b1"), 1);
        clock.advance(Duration.ofMillis(7));
        progress.finished(result("b1", 1, T0));

        assertThat(published()).singleElement().satisfies(event -> {
            assertThat(event.getType()).isEqualTo(JobEventType.BRANCH_FINISHED);
            assertThat(event.getBranchId()).isEqualTo("b1");
            assertThat(event.getBranchStatus()).isEqualTo(BranchStatus.SUCCEEDED);
            assertThat(event.getStartedAt()).isEqualTo(T0);
            assertThat(event.getAt()).isEqualTo(T0.plusMillis(7));
        });
    }

    @Test
    void a_branch_still_running_after_the_delay_has_its_start_published_then_its_finish() {
        ProgressPublisher progress = publisher(Duration.ofMillis(20));

        progress.started(task("b1"), 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        JobEvent started = published().getFirst();
        assertThat(started.getType()).isEqualTo(JobEventType.BRANCH_STARTED);
        assertThat(started.getAt()).as("the time the branch started, not the time it was published").isEqualTo(T0);
        assertThat(started.getWorkerId()).isEqualTo("worker-1");

        progress.finished(result("b1", 1, T0));

        assertThat(published()).extracting(JobEvent::getType)
                .containsExactly(JobEventType.BRANCH_STARTED, JobEventType.BRANCH_FINISHED);
    }

    @Test
    void a_retry_publishes_the_held_back_start_before_the_retry() {
        ProgressPublisher progress = publisher(Duration.ofHours(1));

        progress.started(task("b1"), 1);
        progress.retrying(task("b1"), 1, BranchError.newBuilder().setErrorClass("RateLimitException")
                .setMessage("429").setRetriable(true).build());
        progress.started(task("b1"), 2);
        progress.finished(result("b1", 2, T0));

        assertThat(published()).extracting(JobEvent::getType, JobEvent::getAttempt).containsExactly(
                tuple(JobEventType.BRANCH_STARTED, 1),
                tuple(JobEventType.BRANCH_RETRYING, 1),
                tuple(JobEventType.BRANCH_FINISHED, 2));
    }

    @Test
    void with_no_delay_every_start_is_published_at_once() {
        ProgressPublisher progress = publisher(Duration.ZERO);

        progress.started(task("b1"), 1);
        progress.started(task("b2"), 1);

        assertThat(published()).extracting(JobEvent::getType, JobEvent::getBranchId).containsExactly(
                tuple(JobEventType.BRANCH_STARTED, "b1"),
                tuple(JobEventType.BRANCH_STARTED, "b2"));
    }
}

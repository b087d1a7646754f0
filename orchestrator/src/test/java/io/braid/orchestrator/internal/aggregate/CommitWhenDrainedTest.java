package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;

import io.braid.schema.BranchResult;
import io.braid.schema.JobJoinState;
import io.braid.schema.serde.AvroSerde;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactly-once join asks for a commit once its input has drained after a job completed, and not while inputs
 * keep arriving on its stream thread (a unit test: the processor in Kafka Streams' mock context, no broker; the
 * test's thread plays the stream thread).
 */
class CommitWhenDrainedTest {

    private static final JoinSettings SETTINGS = new JoinSettings(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(45), Duration.ofSeconds(1));

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    /** The exactly-once join's policy; its tasks share this (test) thread's input count. */
    private final java.util.function.Supplier<CommitRequests> drains = CommitRequests.whenDrained();

    @Test
    void a_completed_job_is_committed_at_the_first_drain_check_that_saw_no_input() {
        Task task = new Task(drains);

        task.manifest("job-1", "a");
        task.result("job-1", "a");
        assertThat(task.completedJobs()).isEqualTo(1);

        task.drainCheck(); // the result arrived since the last check: the input may not have drained yet
        assertThat(task.commitAskedFor()).isFalse();
        task.drainCheck();
        assertThat(task.commitAskedFor()).isTrue();

        task.context.resetCommit();
        task.drainCheck(); // nothing completed since the request
        assertThat(task.commitAskedFor()).isFalse();
        task.close();
    }

    @Test
    void while_inputs_keep_arriving_no_commit_is_asked_for_and_the_interval_commits() {
        Task task = new Task(drains);

        task.manifest("job-2", "a", "b");
        task.result("job-2", "a");
        task.result("job-2", "b");
        assertThat(task.completedJobs()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            task.manifest("busy-" + i, "a"); // the load goes on between checks
            task.drainCheck();
            assertThat(task.commitAskedFor()).as("check %d under load", i).isFalse();
        }
        task.drainCheck();
        assertThat(task.commitAskedFor()).isTrue();
        task.close();
    }

    @Test
    void a_task_whose_partition_is_idle_waits_while_another_task_on_its_thread_is_busy() {
        Task idle = new Task(drains); // two tasks of one stream thread: one transaction commits both
        Task busy = new Task(drains);

        idle.manifest("job-5", "a");
        idle.result("job-5", "a");
        assertThat(idle.completedJobs()).isEqualTo(1);
        idle.drainCheck();
        for (int i = 0; i < 5; i++) {
            busy.manifest("busy-" + i, "a"); // only the other partition has input
            idle.drainCheck();
            busy.drainCheck();
            assertThat(idle.commitAskedFor()).as("check %d while the thread is busy", i).isFalse();
        }
        idle.drainCheck();
        assertThat(idle.commitAskedFor()).isTrue();
        assertThat(busy.commitAskedFor()).as("nothing completed on the busy task").isFalse();
        idle.close();
        busy.close();
    }

    @Test
    void inputs_that_complete_nothing_ask_for_no_commit() {
        Task task = new Task(drains);

        task.manifest("job-3", "a", "b");
        task.result("job-3", "a");
        task.drainCheck();
        task.drainCheck();
        assertThat(task.commitAskedFor()).isFalse();
        task.close();
    }

    @Test
    void the_at_least_once_join_schedules_no_drain_check() {
        Task task = new Task(CommitRequests.never());

        assertThat(task.context.scheduledPunctuators()).noneMatch(p -> p.getInterval()
                .equals(CommitRequests.DRAIN_CHECK_INTERVAL));
        task.manifest("job-4", "a");
        task.result("job-4", "a");
        assertThat(task.completedJobs()).isEqualTo(1);
        assertThat(task.commitAskedFor()).isFalse();
        task.close();
    }

    /** One stream task: the join processor in a mock context of its own, with in-memory stores. */
    private final class Task {
        final MockProcessorContext<String, JoinOutput> context = new MockProcessorContext<>();
        final JobJoinProcessor processor;

        Task(java.util.function.Supplier<CommitRequests> commits) {
            KeyValueStore<String, JobJoinState> states = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(AggregatorTopology.STORE_NAME), Serdes.String(),
                    AvroSerde.of(registry, JobJoinState.class)).withLoggingDisabled().build();
            KeyValueStore<String, BranchResult> results = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(AggregatorTopology.RESULTS_STORE_NAME), Serdes.String(),
                    AvroSerde.of(registry, BranchResult.class)).withLoggingDisabled().build();
            KeyValueStore<String, io.braid.schema.JobManifest> manifests = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(AggregatorTopology.MANIFESTS_STORE_NAME), Serdes.String(),
                    AvroSerde.of(registry, io.braid.schema.JobManifest.class)).withLoggingDisabled().build();
            KeyValueStore<String, String> timers = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(AggregatorTopology.TIMERS_STORE_NAME), Serdes.String(),
                    Serdes.String()).withLoggingDisabled().build();
            for (KeyValueStore<?, ?> store : List.of(states, manifests, results, timers)) {
                store.init(context.getStateStoreContext(), store);
                context.addStateStore(store);
            }
            processor = new JobJoinProcessor(new ManualClock(JobFixtures.T0), SETTINGS,
                    JoinTime.clock(new ManualClock(JobFixtures.T0)), commits.get(), new AggregatorErrors.DeadLetters());
            processor.init(context);
        }

        void drainCheck() {
            MockProcessorContext.CapturedPunctuator captured = context.scheduledPunctuators().stream()
                    .filter(p -> p.getInterval().equals(CommitRequests.DRAIN_CHECK_INTERVAL)
                            && p.getType() == PunctuationType.WALL_CLOCK_TIME)
                    .findFirst().orElseThrow(() -> new AssertionError("no drain check scheduled"));
            captured.getPunctuator().punctuate(System.currentTimeMillis());
        }

        boolean commitAskedFor() {
            return context.committed();
        }

        void manifest(String jobId, String... branchIds) {
            processor.process(new Record<>(jobId, new JoinInput.Manifest(JobFixtures.manifest(jobId, branchIds)),
                    0L));
        }

        void result(String jobId, String branchId) {
            processor.process(new Record<>(jobId, new JoinInput.Result(JobFixtures.succeeded(jobId, branchId, "ok")),
                    0L));
        }

        long completedJobs() {
            return context.forwarded().stream()
                    .filter(forwarded -> forwarded.record().value() instanceof JoinOutput.Completed).count();
        }

        void close() {
            processor.close();
        }
    }
}

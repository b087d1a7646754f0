package io.braid.orchestrator.aggregate;

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
 * keep arriving (a unit test: the processor in Kafka Streams' mock context, no broker).
 */
class CommitWhenDrainedTest {

    private static final JoinSettings SETTINGS = new JoinSettings(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(45), Duration.ofSeconds(1));

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final MockProcessorContext<String, JoinOutput> context = new MockProcessorContext<>();
    private JobJoinProcessor processor;

    @Test
    void a_completed_job_is_committed_at_the_first_drain_check_that_saw_no_input() {
        JobJoinProcessor join = started(true);
        Runnable drainCheck = drainCheck();

        manifest("job-1", "a");
        result("job-1", "a");
        assertThat(completedJobs()).isEqualTo(1);

        drainCheck.run(); // the result arrived since the last check: the input may not have drained yet
        assertThat(context.committed()).isFalse();
        drainCheck.run();
        assertThat(context.committed()).isTrue();

        context.resetCommit();
        drainCheck.run(); // nothing completed since the request
        assertThat(context.committed()).isFalse();
        join.close();
    }

    @Test
    void while_inputs_keep_arriving_no_commit_is_asked_for_and_the_interval_commits() {
        JobJoinProcessor join = started(true);
        Runnable drainCheck = drainCheck();

        manifest("job-2", "a", "b");
        result("job-2", "a");
        result("job-2", "b");
        assertThat(completedJobs()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            manifest("busy-" + i, "a"); // the load goes on between checks
            drainCheck.run();
            assertThat(context.committed()).as("check %d under load", i).isFalse();
        }
        drainCheck.run();
        assertThat(context.committed()).isTrue();
        join.close();
    }

    @Test
    void inputs_that_complete_nothing_ask_for_no_commit() {
        JobJoinProcessor join = started(true);
        Runnable drainCheck = drainCheck();

        manifest("job-3", "a", "b");
        result("job-3", "a");
        drainCheck.run();
        drainCheck.run();
        assertThat(context.committed()).isFalse();
        join.close();
    }

    @Test
    void the_at_least_once_join_schedules_no_drain_check() {
        JobJoinProcessor join = started(false);

        assertThat(context.scheduledPunctuators()).noneMatch(p -> p.getInterval()
                .equals(JobJoinProcessor.DRAIN_CHECK_INTERVAL));
        manifest("job-4", "a");
        result("job-4", "a");
        assertThat(completedJobs()).isEqualTo(1);
        assertThat(context.committed()).isFalse();
        join.close();
    }

    private JobJoinProcessor started(boolean commitWhenDrained) {
        KeyValueStore<String, JobJoinState> states = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(AggregatorTopology.STORE_NAME), Serdes.String(),
                AvroSerde.of(registry, JobJoinState.class)).withLoggingDisabled().build();
        KeyValueStore<String, BranchResult> results = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(AggregatorTopology.RESULTS_STORE_NAME), Serdes.String(),
                AvroSerde.of(registry, BranchResult.class)).withLoggingDisabled().build();
        KeyValueStore<String, String> timers = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(AggregatorTopology.TIMERS_STORE_NAME), Serdes.String(),
                Serdes.String()).withLoggingDisabled().build();
        for (KeyValueStore<?, ?> store : List.of(states, results, timers)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        processor = new JobJoinProcessor(AggregatorTopology.STORE_NAME, AggregatorTopology.RESULTS_STORE_NAME,
                AggregatorTopology.TIMERS_STORE_NAME, new ManualClock(JobFixtures.T0), SETTINGS, false,
                commitWhenDrained);
        processor.init(context);
        return processor;
    }

    private Runnable drainCheck() {
        MockProcessorContext.CapturedPunctuator captured = context.scheduledPunctuators().stream()
                .filter(p -> p.getInterval().equals(JobJoinProcessor.DRAIN_CHECK_INTERVAL)
                        && p.getType() == PunctuationType.WALL_CLOCK_TIME)
                .findFirst().orElseThrow(() -> new AssertionError("no drain check scheduled"));
        return () -> captured.getPunctuator().punctuate(System.currentTimeMillis());
    }

    private void manifest(String jobId, String... branchIds) {
        processor.process(new Record<>(jobId, new JoinInput.Manifest(JobFixtures.manifest(jobId, branchIds)), 0L));
    }

    private void result(String jobId, String branchId) {
        processor.process(new Record<>(jobId, new JoinInput.Result(JobFixtures.succeeded(jobId, branchId, "ok")),
                0L));
    }

    private long completedJobs() {
        return context.forwarded().stream()
                .filter(forwarded -> forwarded.record().value() instanceof JoinOutput.Completed).count();
    }
}

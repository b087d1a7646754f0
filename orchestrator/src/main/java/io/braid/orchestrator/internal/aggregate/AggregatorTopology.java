package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;
import io.braid.orchestrator.internal.trace.JobTracing;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;
import io.braid.schema.JobControl;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.SlotGrant;
import io.braid.schema.SlotMessage;
import io.braid.schema.TenantSlots;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import io.braid.orchestrator.Delivery;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The aggregator's Kafka Streams topology: manifests and branch results, both keyed by jobId, merged into one
 * stateful join that emits exactly one {@link JobResult} per job and round to the job-results topic.
 *
 * <pre>
 *   manifests ──┐                                                     ┌─▶ job-results
 *   results ────┼─▶ job-join (stores: JobJoinState per jobId, timers) ─┼─▶ job-events (JOB_COMPLETED)
 *   control ────┤      (punctuation: deadlines, expiries)             ├─▶ control (CANCEL what is left)
 *   tenant-grants ┘                                                    ├─▶ tenant-slots (capped jobs' requests,
 *                                                                      │                 releases, withdrawals)
 *                                                                      ├─▶ tasks (SYNTHESIZE / SELECT final task,
 *                                                                      │          replayed branches)
 *                                                                      ├─▶ results (a child job's result, as its
 *                                                                      │         parent's JOB branch result)
 *                                                                      └─▶ aggregator.dlq (inputs refused or not
 *                                                                                processed, reason in headers)
 *
 *   tenant-slots (key: tenant) ─▶ tenant-admission (store: TenantSlots per tenant) ─▶ tenant-grants (key: jobId)
 * </pre>
 */
public final class AggregatorTopology {

    public static final String STORE_NAME = "job-join-state";
    /** Deadlines and expiries by time, see {@link JoinTimers}. */
    public static final String TIMERS_STORE_NAME = "job-join-timers";
    /** Each job's kept branch results, keyed {@code <jobId> NUL <branchId>} (see {@link JoinStores}). */
    public static final String RESULTS_STORE_NAME = "job-join-results";
    /** Each job's manifest, written once per round, apart from its small, often written state. */
    public static final String MANIFESTS_STORE_NAME = "job-join-manifests";
    /** Each capped tenant's admission ({@link TenantAdmission}), keyed by tenant. */
    public static final String ADMISSION_STORE_NAME = "tenant-admission";

    private AggregatorTopology() {
    }

    /** The exactly-once join, counting its dead letters nowhere (tests). */
    public static Topology build(Topics topics, SchemaRegistry registry, Clock clock, JoinSettings settings) {
        return build(topics, registry, clock, settings, Delivery.EXACTLY_ONCE, new AggregatorErrors.DeadLetters());
    }

    /**
     * The join for a delivery mode: exactly once, its steps take their time from the clock and it asks for a commit
     * when its input drains; at least once, they take it from their inputs (a replay computes the same result) and
     * commits keep to the interval. {@code deadLetters} counts the inputs the join refuses or cannot process (see
     * {@link AggregatorErrors}).
     */
    public static Topology build(Topics topics, SchemaRegistry registry, Clock clock, JoinSettings settings,
                                 Delivery delivery, AggregatorErrors.DeadLetters deadLetters) {
        return build(topics, registry, clock, settings, delivery, deadLetters, new JobMeters());
    }

    /** As above, adding what each completed job spent to {@code meters}. */
    public static Topology build(Topics topics, SchemaRegistry registry, Clock clock, JoinSettings settings,
                                 Delivery delivery, AggregatorErrors.DeadLetters deadLetters, JobMeters meters) {
        return build(topics, registry, clock, settings, delivery, deadLetters, meters, JobTracing.OFF);
    }

    /** As above, tracing each job round's join and final aggregation task (see {@link JobTracing}). */
    public static Topology build(Topics topics, SchemaRegistry registry, Clock clock, JoinSettings settings,
                                 Delivery delivery, AggregatorErrors.DeadLetters deadLetters, JobMeters meters,
                                 JobTracing tracing) {
        JoinTime time = switch (delivery) {
            case EXACTLY_ONCE -> JoinTime.clock(clock);
            case LOW_LATENCY -> JoinTime.inputs();
        };
        Supplier<CommitRequests> commits = switch (delivery) {
            case EXACTLY_ONCE -> CommitRequests.whenDrained();
            case LOW_LATENCY -> CommitRequests.never();
        };
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE_NAME),
                Serdes.String(), AvroSerde.of(registry, JobJoinState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(RESULTS_STORE_NAME),
                Serdes.String(), AvroSerde.of(registry, BranchResult.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MANIFESTS_STORE_NAME),
                Serdes.String(), AvroSerde.of(registry, JobManifest.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TIMERS_STORE_NAME),
                Serdes.String(), Serdes.String()));

        KStream<String, JoinInput> manifests = builder
                .stream(topics.manifests(), Consumed.with(Serdes.String(), AvroSerde.of(registry, JobManifest.class)))
                .mapValues(manifest -> (JoinInput) new JoinInput.Manifest(manifest), named("manifest-input"));
        KStream<String, JoinInput> results = builder
                .stream(topics.results(), Consumed.with(Serdes.String(), AvroSerde.of(registry, BranchResult.class)))
                .mapValues(result -> (JoinInput) new JoinInput.Result(result), named("result-input"));

        KStream<String, JoinInput> controls = builder
                .stream(topics.control(), Consumed.with(Serdes.String(), AvroSerde.of(registry, JobControl.class)))
                .mapValues(control -> (JoinInput) new JoinInput.Control(control), named("control-input"));

        KStream<String, JoinInput> grants = builder
                .stream(topics.tenantGrants(), Consumed.with(Serdes.String(), AvroSerde.of(registry, SlotGrant.class)))
                .mapValues(grant -> (JoinInput) new JoinInput.Grant(grant), named("grant-input"));
        addAdmission(builder, topics, registry, settings, meters);

        KStream<String, JoinOutput> outputs = manifests.merge(results, Named.as("join-inputs"))
                .merge(controls, Named.as("join-inputs-and-controls"))
                .merge(grants, Named.as("join-inputs-and-grants"))
                .process(() -> new JobJoinProcessor(clock, settings, time, commits.get(), deadLetters, meters,
                        tracing),
                        Named.as("job-join"), STORE_NAME, MANIFESTS_STORE_NAME, RESULTS_STORE_NAME,
                        TIMERS_STORE_NAME);
        outputs.filter((jobId, output) -> output instanceof JoinOutput.DeadLetter, named("join-dead-letters"))
                .mapValues(output -> AggregatorErrors.deadLetterValue(((JoinOutput.DeadLetter) output).input()),
                        named("join-dead-letter"))
                .to(topics.aggregatorDeadLetter(), Produced.with(Serdes.String(), Serdes.ByteArray()));
        for (boolean high : new boolean[] {false, true}) {
            String lane = high ? "high-" : "";
            outputs.filter((jobId, output) -> output instanceof JoinOutput.Task task && task.high() == high,
                            named("join-" + lane + "tasks"))
                    .mapValues(output -> ((JoinOutput.Task) output).task(), named("join-" + lane + "task"))
                    .to(high ? topics.tasksHigh() : topics.tasks(), Produced.with(Serdes.String(),
                                    AvroSerde.of(registry, BranchTask.class))
                            .withStreamPartitioner((topic, jobId, task, partitions) -> java.util.Optional.of(
                                    java.util.Set.of(io.braid.orchestrator.TaskPartitions.partition(jobId,
                                            task.getBranch().getBranchId(), partitions)))));
        }
        outputs.filter((jobId, output) -> output instanceof JoinOutput.Slot, named("join-slots"))
                .map((jobId, output) -> {
                    SlotMessage message = ((JoinOutput.Slot) output).message();
                    return KeyValue.pair(TenantAdmissionProcessor.tenantOf(message), message);
                }, named("join-slot-by-tenant"))
                .to(topics.tenantSlots(), Produced.with(Serdes.String(), AvroSerde.of(registry, SlotMessage.class)));
        outputs.filter((jobId, output) -> output instanceof JoinOutput.Event, named("join-events"))
                .mapValues(output -> ((JoinOutput.Event) output).event(), named("join-event"))
                .to(topics.jobEvents(), Produced.with(Serdes.String(), AvroSerde.of(registry, JobEvent.class)));
        KStream<String, JobResult> completed = outputs
                .filter((jobId, output) -> output instanceof JoinOutput.Completed, named("completed-jobs"))
                .mapValues(output -> ((JoinOutput.Completed) output).result(), named("job-result"));
        completed.to(topics.jobResults(), Produced.with(Serdes.String(), AvroSerde.of(registry, JobResult.class)));
        completed.mapValues(AggregatorTopology::completedEvent, named("job-completed-event"))
                .to(topics.jobEvents(), Produced.with(Serdes.String(), AvroSerde.of(registry, JobEvent.class)));
        completed.filter((jobId, result) -> hasUnfinishedBranches(result), named("jobs-with-unfinished-branches"))
                .flatMap((jobId, result) -> ChildResults.cancels(result).stream()
                        .map(cancel -> KeyValue.pair(cancel.getJobId(), cancel)).toList(),
                        named("cancel-remaining-branches"))
                .to(topics.control(), Produced.with(Serdes.String(), AvroSerde.of(registry, JobControl.class)));
        completed.filter((jobId, result) -> ChildResults.isChild(result), named("child-jobs"))
                .map((jobId, result) -> KeyValue.pair(result.getParentJobId(),
                        ChildResults.asParentBranchResult(result)), named("child-result-to-parent-branch"))
                .to(topics.results(), Produced.with(Serdes.String(), AvroSerde.of(registry, BranchResult.class)));
        return builder.build();
    }

    /**
     * The admission of capped tenants: slot messages keyed by tenant in, grants keyed by jobId out, one tenant's
     * state per key — in the same application, so in the same exactly-once transactions as the join.
     */
    private static void addAdmission(StreamsBuilder builder, Topics topics, SchemaRegistry registry,
                                     JoinSettings settings, JobMeters meters) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ADMISSION_STORE_NAME),
                Serdes.String(), AvroSerde.of(registry, TenantSlots.class)));
        builder.stream(topics.tenantSlots(), Consumed.with(Serdes.String(), AvroSerde.of(registry, SlotMessage.class)))
                .process(() -> new TenantAdmissionProcessor(settings.policy().settings(), meters),
                        Named.as("tenant-admission"), ADMISSION_STORE_NAME)
                .to(topics.tenantGrants(), Produced.with(Serdes.String(), AvroSerde.of(registry, SlotGrant.class)));
    }

    private static boolean hasUnfinishedBranches(JobResult result) {
        return result.getBranches().stream().anyMatch(ChildResults::isUnfinished);
    }

    private static JobEvent completedEvent(JobResult result) {
        return JobEvent.newBuilder().setJobId(result.getJobId()).setRound(result.getRound())
                .setType(JobEventType.JOB_COMPLETED).setAt(result.getCompletedAt())
                .setMessage(result.getStatus() + " by " + result.getCompletedBy()).build();
    }

    private static Named named(String name) {
        return Named.as(name);
    }
}

package io.braid.orchestrator.aggregate;

import io.braid.schema.JobJoinState;
import io.braid.schema.JobResult;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Clock;

/** Runs {@link JobJoin} for each input, keeping one {@link JobJoinState} per jobId in a state store. */
final class JobJoinProcessor implements Processor<String, JoinInput, String, JobResult> {

    private final String storeName;
    private final Clock clock;
    private ProcessorContext<String, JobResult> context;
    private KeyValueStore<String, JobJoinState> store;

    JobJoinProcessor(String storeName, Clock clock) {
        this.storeName = storeName;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, JobResult> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, JoinInput> record) {
        String jobId = record.key();
        if (jobId == null) {
            return;
        }
        JobJoinState state = store.get(jobId);
        JobJoin.Step step = JobJoin.apply(state == null ? JobJoin.empty(jobId) : state, record.value(),
                clock.instant());
        if (step.state() != state) {
            store.put(jobId, step.state());
        }
        step.completed().ifPresent(result -> context.forward(record.withValue(result)
                .withTimestamp(result.getCompletedAt().toEpochMilli())));
    }
}

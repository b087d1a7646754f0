package io.braid.orchestrator.aggregate;

import io.braid.schema.JobJoinState;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs {@link JobJoin} for each input, keeping one {@link JobJoinState} per jobId in a state store, and fires
 * the join's timers — deadlines and expiries, indexed by time in a second store — from a wall-clock punctuation
 * that reads the injected {@link Clock}.
 */
final class JobJoinProcessor implements Processor<String, JoinInput, String, JoinOutput> {

    private final String storeName;
    private final String timersStoreName;
    private final Clock clock;
    private final JoinSettings settings;
    private ProcessorContext<String, JoinOutput> context;
    private KeyValueStore<String, JobJoinState> store;
    private KeyValueStore<String, String> timers;

    JobJoinProcessor(String storeName, String timersStoreName, Clock clock, JoinSettings settings) {
        this.storeName = storeName;
        this.timersStoreName = timersStoreName;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, JoinOutput> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.timers = context.getStateStore(timersStoreName);
        context.schedule(settings.timerInterval(), PunctuationType.WALL_CLOCK_TIME, timestamp -> fireDueTimers());
    }

    @Override
    public void process(Record<String, JoinInput> record) {
        String jobId = record.key();
        if (jobId == null) {
            return;
        }
        JobJoinState stored = store.get(jobId);
        JobJoinState state = stored == null ? JobJoin.empty(jobId) : stored;
        JobJoin.Step step = JobJoin.apply(state, record.value(), clock.instant(), settings);
        save(jobId, stored == null ? null : state, state, step);
    }

    private void fireDueTimers() {
        Instant now = clock.instant();
        List<JoinTimers.Timer> due = new ArrayList<>();
        try (KeyValueIterator<String, String> range = timers.range(JoinTimers.FIRST_KEY,
                JoinTimers.lastKeyDueBy(now))) {
            while (range.hasNext()) {
                KeyValue<String, String> entry = range.next();
                due.add(JoinTimers.parse(entry.key));
            }
        }
        for (JoinTimers.Timer timer : due) {
            timers.delete(timer.key());
            JobJoinState state = store.get(timer.jobId());
            if (state == null) {
                continue;
            }
            switch (timer.kind()) {
                case DEADLINE -> {
                    if (timer.at().equals(state.getDeadlineAt())) {
                        save(timer.jobId(), state, state, JobJoin.deadlinePassed(state, now, settings));
                    }
                }
                case EXPIRY -> {
                    if (state.getExpiresAt() != null && !state.getExpiresAt().isAfter(now)) {
                        store.delete(timer.jobId());
                    }
                }
            }
        }
    }

    /**
     * Stores the step's state when it changed {@code input} (the state the step was computed from; for a job not
     * yet stored, an empty one — which is not stored when nothing changed it, e.g. a cancel of an unknown job),
     * moves its timers from {@code before} (the stored state, or null), and forwards a completed result.
     */
    private void save(String jobId, JobJoinState before, JobJoinState input, JobJoin.Step step) {
        JobJoinState after = step.state();
        if (after != input) {
            store.put(jobId, after);
            moveTimer(jobId, JoinTimers.Kind.DEADLINE, before == null ? null : before.getDeadlineAt(),
                    after.getDeadlineAt());
            moveTimer(jobId, JoinTimers.Kind.EXPIRY, before == null ? null : before.getExpiresAt(),
                    after.getExpiresAt());
        }
        step.completed().ifPresent(result -> context.forward(
                new Record<>(jobId, new JoinOutput.Completed(result), result.getCompletedAt().toEpochMilli())));
        step.tasks().forEach(task -> context.forward(
                new Record<>(jobId, new JoinOutput.Task(task), task.getDispatchedAt().toEpochMilli())));
        step.events().forEach(event -> context.forward(
                new Record<>(jobId, new JoinOutput.Event(event), event.getAt().toEpochMilli())));
    }

    private void moveTimer(String jobId, JoinTimers.Kind kind, Instant from, Instant to) {
        if (Objects.equals(from, to)) {
            return;
        }
        if (from != null) {
            timers.delete(JoinTimers.key(from, kind, jobId));
        }
        if (to != null) {
            timers.put(JoinTimers.key(to, kind, jobId), jobId);
        }
    }
}

package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;
import io.braid.orchestrator.internal.trace.JobTracing;

import io.braid.schema.DeadLetterHeaders;

import io.braid.schema.ErrorClass;

import io.braid.schema.BranchResult;
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
import java.util.Map;
import java.util.Objects;

/**
 * Runs {@link JobJoin} for each input, keeping one {@link JobJoinState} per jobId in state stores (the state, its
 * manifest and its branch results apart, see {@link JoinStores}; open jobs' states also in a {@link JoinStateCache}), and fires the
 * join's timers — deadlines and expiries, indexed by time in a third store — from a wall-clock punctuation that reads
 * the injected {@link Clock}. Its time source ({@link JoinTime}) and when it asks for commits
 * ({@link CommitRequests}) come from the delivery mode.
 */
final class JobJoinProcessor implements Processor<String, JoinInput, String, JoinOutput> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JobJoinProcessor.class);

    private final Clock clock;
    private final JoinTime time;
    private final CommitRequests commits;
    private final JoinSettings settings;
    private final AggregatorErrors.DeadLetters deadLetters;
    private final JobMeters meters;
    private final JoinStateCache cache = new JoinStateCache();
    private final JobTracing tracing;
    /** The kind of input being processed (or the timer firing), for the join span. */
    private String trigger = "timer";
    private ProcessorContext<String, JoinOutput> context;
    private KeyValueStore<String, JobJoinState> store;
    private KeyValueStore<String, BranchResult> resultsStore;
    private KeyValueStore<String, io.braid.schema.JobManifest> manifestsStore;
    private KeyValueStore<String, String> timers;

    JobJoinProcessor(Clock clock, JoinSettings settings, JoinTime time, CommitRequests commits,
                     AggregatorErrors.DeadLetters deadLetters) {
        this(clock, settings, time, commits, deadLetters, new JobMeters());
    }

    JobJoinProcessor(Clock clock, JoinSettings settings, JoinTime time, CommitRequests commits,
                     AggregatorErrors.DeadLetters deadLetters, JobMeters meters) {
        this(clock, settings, time, commits, deadLetters, meters, JobTracing.OFF);
    }

    /**
     * As above, tracing each completed round's join and the final aggregation's task with {@code tracing}. An
     * exactly-once transaction that aborts processes its inputs again: their spans are then emitted twice.
     */
    JobJoinProcessor(Clock clock, JoinSettings settings, JoinTime time, CommitRequests commits,
                     AggregatorErrors.DeadLetters deadLetters, JobMeters meters, JobTracing tracing) {
        this.tracing = tracing;
        this.meters = meters;
        this.clock = clock;
        this.settings = settings;
        this.time = time;
        this.commits = commits;
        this.deadLetters = deadLetters;
    }

    @Override
    public void init(ProcessorContext<String, JoinOutput> context) {
        this.context = context;
        this.store = context.getStateStore(AggregatorTopology.STORE_NAME);
        this.resultsStore = context.getStateStore(AggregatorTopology.RESULTS_STORE_NAME);
        this.manifestsStore = context.getStateStore(AggregatorTopology.MANIFESTS_STORE_NAME);
        this.timers = context.getStateStore(AggregatorTopology.TIMERS_STORE_NAME);
        cache.clear();
        context.schedule(settings.timerInterval(), PunctuationType.WALL_CLOCK_TIME, timestamp -> fireDueTimers());
        commits.start(context);
    }

    @Override
    public void process(Record<String, JoinInput> record) {
        commits.processed();
        trigger = JoinInputs.kind(record.value());
        String jobId = record.key();
        if (jobId == null || !jobId.equals(JoinInputs.jobId(record.value()))) {
            deadLetter(record, ErrorClass.RefusedInput, "the record's key (" + jobId + ") is not its jobId ("
                    + JoinInputs.jobId(record.value()) + ")");
            return;
        }
        try {
            JobJoinState stored = load(jobId);
            JobJoinState state = stored == null ? JobJoin.empty(jobId) : stored;
            Instant now = time.ofInput(record, state);
            Map<String, BranchResult> resultsBefore = state.getResults();
            JobJoin.Step step = JobJoin.apply(state, record.value(), now, settings);
            BranchResult changed = record.value() instanceof JoinInput.Result r ? r.result() : null;
            save(jobId, stored == null ? null : state, state, resultsBefore, changed, step);
            step.refusals().forEach(refusal -> deadLetter(record, refusal.errorClass(), refusal.reason()));
        } catch (RuntimeException | StackOverflowError e) {
            failed(record, e);
        }
    }

    /**
     * An input the join could not process: dead-lettered with the exception, and — when it was the job's manifest,
     * without which the job cannot be joined — the job answered FAILED ({@code ProcessingFailed}). A result or
     * command that fails only goes to the dead letters: the job goes on, and its deadline bounds it.
     */
    private void failed(Record<String, JoinInput> record, Throwable e) {
        log.error("the join could not process a {} of job {}; dead-lettered", JoinInputs.kind(record.value()),
                record.key(), e);
        cache.remove(record.key());
        deadLetter(record, ErrorClass.ProcessingFailed, e.toString());
        if (record.value() instanceof JoinInput.Manifest m) {
            failJob(record.key(), m.manifest(), "the aggregator could not process the job's manifest: " + e);
        }
    }

    /** Answers the job FAILED ({@code ProcessingFailed}); when even that fails, only logs it. */
    private void failJob(String jobId, io.braid.schema.JobManifest manifest, String reason) {
        try {
            JobJoinState stored = load(jobId);
            JobJoinState state = stored == null ? JobJoin.empty(jobId) : stored;
            save(jobId, stored == null ? null : state, state, state.getResults(), null, JobJoin.failed(state,
                    manifest, ErrorClass.ProcessingFailed, reason, clock.instant(), settings));
        } catch (RuntimeException | StackOverflowError again) {
            cache.remove(jobId);
            log.error("job {} could not be answered FAILED either", jobId, again);
        }
    }


    private void deadLetter(Record<String, JoinInput> record, ErrorClass errorClass, String reason) {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(DeadLetterHeaders.ERROR_CLASS, utf8(errorClass.name()));
        headers.add(DeadLetterHeaders.ERROR_MESSAGE, utf8(reason));
        headers.add(DeadLetterHeaders.INPUT, utf8(JoinInputs.kind(record.value())));
        context.recordMetadata().ifPresent(source -> headers.add(DeadLetterHeaders.SOURCE,
                utf8(source.topic() + "-" + source.partition() + "@" + source.offset())));
        context.forward(new Record<>(record.key(), new JoinOutput.DeadLetter(record.value()), record.timestamp(),
                headers));
        deadLetters.written(clock.instant());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
            try {
                fire(timer, now);
            } catch (RuntimeException | StackOverflowError e) {
                log.error("the join's {} timer of job {} failed; the job is answered FAILED", timer.kind(),
                        timer.jobId(), e);
                cache.remove(timer.jobId());
                failJob(timer.jobId(), null, "the aggregator could not process the job's " + timer.kind()
                        + " timer: " + e);
            }
        }
    }

    private void fire(JoinTimers.Timer timer, Instant now) {
        JobJoinState state = load(timer.jobId());
        if (state == null) {
            return;
        }
        trigger = timer.kind().name().toLowerCase(java.util.Locale.ROOT);
        switch (timer.kind()) {
            case DEADLINE -> {
                if (timer.at().equals(state.getDeadlineAt())) {
                    save(timer.jobId(), state, state, state.getResults(), null, JobJoin.deadlinePassed(state,
                            time.ofDeadline(timer.at(), now), settings));
                }
            }
            case EXPIRY -> {
                if (state.getExpiresAt() != null && !state.getExpiresAt().isAfter(now)) {
                    drop(timer.jobId(), state);
                }
            }
        }
    }

    /**
     * Stores the step's state when it changed {@code input} (the state the step was computed from; for a job not
     * yet stored, an empty one — which is not stored when nothing changed it, e.g. a cancel of an unknown job),
     * moves its timers from {@code before} (the stored state, or null), and forwards a completed result.
     * {@code resultsBefore} is the input's results map as the step got it and {@code changed} the branch result the
     * input brought, if any (see {@link #saveResults}).
     */
    private void save(String jobId, JobJoinState before, JobJoinState input, Map<String, BranchResult> resultsBefore,
                      BranchResult changed, JobJoin.Step step) {
        JobJoinState after = step.state();
        if (after != input) {
            saveResults(jobId, resultsBefore, changed, after.getResults());
            JoinStores.putState(store, manifestsStore, jobId, after, before == null ? null : input);
            cache.put(jobId, after);
            moveTimer(jobId, JoinTimers.Kind.DEADLINE, before == null ? null : before.getDeadlineAt(),
                    after.getDeadlineAt());
            moveTimer(jobId, JoinTimers.Kind.EXPIRY, before == null ? null : before.getExpiresAt(),
                    after.getExpiresAt());
        }
        step.completed().ifPresent(result -> {
            context.forward(traced(new Record<>(jobId, new JoinOutput.Completed(result),
                    result.getCompletedAt().toEpochMilli()), tracing.completed(result, trigger)));
            commits.completed();
            meters.completed(result);
        });
        boolean high = after.getManifest() != null
                && after.getManifest().getPriority() == io.braid.schema.Priority.HIGH;
        step.tasks().forEach(task -> context.forward(traced(
                new Record<>(jobId, new JoinOutput.Task(task, high), task.getDispatchedAt().toEpochMilli()),
                tracing.task(task, FinalAggregation.BRANCH_ID.equals(task.getBranch().getBranchId())))));
        step.events().forEach(event -> context.forward(
                new Record<>(jobId, new JoinOutput.Event(event), event.getAt().toEpochMilli())));
        step.slots().forEach(slot -> context.forward(
                new Record<>(jobId, new JoinOutput.Slot(slot), clock.millis())));
    }

    /** {@code record} with the trace headers, when tracing gave any. */
    private static Record<String, JoinOutput> traced(Record<String, JoinOutput> record,
                                                     org.apache.kafka.common.header.Headers headers) {
        return headers == null ? record : record.withHeaders(headers);
    }

    /**
     * Stores the kept results that changed. The join adds a result to the map it was given in place, so when the step
     * kept that map ({@code now == before}) only {@code changed} can be new there: comparing every kept result on
     * every input made a wide job's join quadratic. A step that made a new map (a manifest, a replay, a failure) is
     * compared in full.
     */
    private void saveResults(String jobId, Map<String, BranchResult> before, BranchResult changed,
                             Map<String, BranchResult> now) {
        if (now == before) {
            if (changed != null && now.get(changed.getBranchId()) == changed) {
                resultsStore.put(JoinStores.resultKey(jobId, changed.getBranchId()), changed);
            }
            return;
        }
        now.forEach((branchId, result) -> {
            if (!JoinStores.same(before.get(branchId), result)) {
                resultsStore.put(JoinStores.resultKey(jobId, branchId), result);
            }
        });
        before.keySet().stream().filter(branchId -> !now.containsKey(branchId))
                .forEach(branchId -> resultsStore.delete(JoinStores.resultKey(jobId, branchId)));
    }

    /** The job's assembled state, from the cache or the stores; null when it has none. */
    private JobJoinState load(String jobId) {
        JobJoinState cached = cache.get(jobId);
        if (cached != null) {
            return cached;
        }
        JobJoinState stored = JoinStores.assemble(store, manifestsStore, resultsStore, jobId);
        if (stored != null) {
            if (stored.getManifest() != null && manifestsStore.get(jobId) == null) {
                // a state from before the manifest was stored apart holds its own: keep it where the next save,
                // which writes the state without it, will not lose it
                manifestsStore.put(jobId, stored.getManifest());
            }
            cache.put(jobId, stored);
        }
        return stored;
    }

    /** Forgets the job: its state, its results, its cached copy. */
    private void drop(String jobId, JobJoinState state) {
        store.delete(jobId);
        manifestsStore.delete(jobId);
        state.getResults().keySet().forEach(branchId -> resultsStore.delete(JoinStores.resultKey(jobId, branchId)));
        cache.remove(jobId);
    }

    @Override
    public void close() {
        cache.clear();
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

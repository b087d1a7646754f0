package io.braid.orchestrator.aggregate;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs {@link JobJoin} for each input, keeping one {@link JobJoinState} per jobId in state stores (the state and its
 * branch results apart, see {@link JoinStores}), and fires the join's timers — deadlines and expiries, indexed by
 * time in a third store — from a wall-clock punctuation that reads the injected {@link Clock}.
 *
 * <p>Open jobs' assembled states are also kept in memory (a bounded LRU cache), so an input costs neither
 * deserializing the state nor serializing more than what changed. The stores stay the truth: the cache is empty
 * whenever the processor is (re)initialized or closed, which is when Streams may have rebuilt the stores.
 */
final class JobJoinProcessor implements Processor<String, JoinInput, String, JoinOutput> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JobJoinProcessor.class);

    private final String storeName;
    private final String resultsStoreName;
    private final String timersStoreName;
    private final Clock clock;
    private final boolean recordTime;
    private final JoinSettings settings;
    private final AggregatorErrors.DeadLetters deadLetters;
    private ProcessorContext<String, JoinOutput> context;
    private KeyValueStore<String, JobJoinState> store;
    private KeyValueStore<String, BranchResult> resultsStore;
    private KeyValueStore<String, String> timers;
    private final Map<String, JobJoinState> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JobJoinState> eldest) {
            return size() > CACHED_STATES;
        }
    };

    /** Assembled states kept in memory: the open jobs of a busy instance, bounded. */
    static final int CACHED_STATES = 10_000;

    /**
     * How often an exactly-once join checks whether its input has drained since a job completed, to ask for a
     * commit then (see {@link #commitWhenDrained}).
     */
    static final Duration DRAIN_CHECK_INTERVAL = Duration.ofMillis(1);

    /**
     * Inputs processed by the join on each stream thread, across its tasks. Kafka Streams commits all of a thread's
     * tasks together (one transaction per thread), so the input that matters for a drain check is the thread's, not
     * one task's: a task whose own partition is momentarily empty must not commit its busy neighbours' transaction.
     */
    private static final ThreadLocal<InputCount> INPUTS_ON_THREAD = ThreadLocal.withInitial(InputCount::new);

    private static final class InputCount {
        long processed;
    }

    private final boolean commitWhenDrained;
    /** A job result was forwarded and no commit has been asked for since. */
    private boolean completedSinceCommitRequest;
    /** The thread's input count at this task's last drain check. */
    private long inputsOnThreadAtDrainCheck;

    /**
     * With {@code recordTime} (the low-latency, at-least-once mode) every step takes its time from its input — the
     * record's timestamp (see {@link #inputTime}), or the deadline that fired — instead of the clock, so processing
     * the same inputs again after a crash produces the same JobResult, completedAt included.
     *
     * <p>With {@code commitWhenDrained} (the exactly-once mode, where a job result is visible only once the
     * transaction that wrote it commits), the join asks Streams to commit as soon as its input has drained after a
     * job completed — no input processed on its stream thread, by any of the thread's tasks, between two drain
     * checks — instead of leaving the result to the next commit interval. Under load the input never drains and
     * commits keep to the interval, so a longer interval costs throughput less transaction work without costing an
     * idle job its latency. (Asking on every completed job committed once per job and cut throughput threefold.)
     */
    JobJoinProcessor(String storeName, String resultsStoreName, String timersStoreName, Clock clock,
                     JoinSettings settings, boolean recordTime, boolean commitWhenDrained,
                     AggregatorErrors.DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.recordTime = recordTime;
        this.commitWhenDrained = commitWhenDrained;
        this.storeName = storeName;
        this.resultsStoreName = resultsStoreName;
        this.timersStoreName = timersStoreName;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, JoinOutput> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.resultsStore = context.getStateStore(resultsStoreName);
        this.timers = context.getStateStore(timersStoreName);
        cache.clear();
        context.schedule(settings.timerInterval(), PunctuationType.WALL_CLOCK_TIME, timestamp -> fireDueTimers());
        completedSinceCommitRequest = false;
        inputsOnThreadAtDrainCheck = INPUTS_ON_THREAD.get().processed;
        if (commitWhenDrained) {
            context.schedule(DRAIN_CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                    timestamp -> commitIfDrained());
        }
    }

    /** Asks for a commit when a job completed and no input arrived on this thread since the last check. */
    void commitIfDrained() {
        long inputsOnThread = INPUTS_ON_THREAD.get().processed;
        if (completedSinceCommitRequest && inputsOnThread == inputsOnThreadAtDrainCheck) {
            context.commit();
            completedSinceCommitRequest = false;
        }
        inputsOnThreadAtDrainCheck = inputsOnThread;
    }

    @Override
    public void process(Record<String, JoinInput> record) {
        if (commitWhenDrained) {
            INPUTS_ON_THREAD.get().processed++;
        }
        String jobId = record.key();
        if (jobId == null || !jobId.equals(JoinInputs.jobId(record.value()))) {
            deadLetter(record, JoinAdmission.REFUSED, "the record's key (" + jobId + ") is not its jobId ("
                    + JoinInputs.jobId(record.value()) + ")");
            return;
        }
        try {
            JobJoinState stored = load(jobId);
            JobJoinState state = stored == null ? JobJoin.empty(jobId) : stored;
            Instant now = recordTime ? inputTime(record, state) : clock.instant();
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
        deadLetter(record, PROCESSING_FAILED, e.toString());
        if (record.value() instanceof JoinInput.Manifest m) {
            failJob(record.key(), m.manifest(), "the aggregator could not process the job's manifest: " + e);
        }
    }

    /** Answers the job FAILED ({@value #PROCESSING_FAILED}); when even that fails, only logs it. */
    private void failJob(String jobId, io.braid.schema.JobManifest manifest, String reason) {
        try {
            JobJoinState stored = load(jobId);
            JobJoinState state = stored == null ? JobJoin.empty(jobId) : stored;
            save(jobId, stored == null ? null : state, state, state.getResults(), null, JobJoin.failed(state,
                    manifest, PROCESSING_FAILED, reason, clock.instant(), settings));
        } catch (RuntimeException | StackOverflowError again) {
            cache.remove(jobId);
            log.error("job {} could not be answered FAILED either", jobId, again);
        }
    }

    /** The error class of an input whose processing threw. */
    static final String PROCESSING_FAILED = "ProcessingFailed";

    private void deadLetter(Record<String, JoinInput> record, String errorClass, String reason) {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(AggregatorErrors.ERROR_CLASS_HEADER, utf8(errorClass));
        headers.add(AggregatorErrors.ERROR_MESSAGE_HEADER, utf8(reason));
        headers.add(AggregatorErrors.INPUT_HEADER, utf8(JoinInputs.kind(record.value())));
        context.recordMetadata().ifPresent(source -> headers.add(AggregatorErrors.SOURCE_HEADER,
                utf8(source.topic() + "-" + source.partition() + "@" + source.offset())));
        context.forward(new Record<>(record.key(), new JoinOutput.DeadLetter(record.value()), record.timestamp(),
                headers));
        deadLetters.written(clock.instant());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The record's timestamp, or the latest finish among the job's results when that is later. Results written by
     * several producers reach the partition out of timestamp order (one waits in its producer's batch while a later
     * one is appended), so the completing record may be older than a result already joined; a job does not complete
     * before its last branch finished. Both come from the stored state and the record, so a replay computes the
     * same time.
     */
    static Instant inputTime(Record<String, JoinInput> record, JobJoinState state) {
        Instant time = Instant.ofEpochMilli(record.timestamp());
        if (record.value() instanceof JoinInput.Result r && r.result().getFinishedAt().isAfter(time)) {
            time = r.result().getFinishedAt();
        }
        for (BranchResult result : state.getResults().values()) {
            if (result.getFinishedAt().isAfter(time)) {
                time = result.getFinishedAt();
            }
        }
        return time;
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
        switch (timer.kind()) {
            case DEADLINE -> {
                if (timer.at().equals(state.getDeadlineAt())) {
                    save(timer.jobId(), state, state, state.getResults(), null, JobJoin.deadlinePassed(state,
                            recordTime ? timer.at() : now, settings));
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
            // The state record without its results (they are stored apart): compared and written with the results
            // set aside for the moment, which costs no copy; the store serializes the value as it is put.
            Map<String, BranchResult> afterResults = after.getResults();
            Map<String, BranchResult> inputResults = input.getResults();
            after.setResults(Map.of());
            input.setResults(Map.of());
            try {
                if (before == null || !same(after, input)) {
                    store.put(jobId, after);
                }
            } finally {
                after.setResults(afterResults);
                input.setResults(inputResults);
            }
            cache.put(jobId, after);
            moveTimer(jobId, JoinTimers.Kind.DEADLINE, before == null ? null : before.getDeadlineAt(),
                    after.getDeadlineAt());
            moveTimer(jobId, JoinTimers.Kind.EXPIRY, before == null ? null : before.getExpiresAt(),
                    after.getExpiresAt());
        }
        step.completed().ifPresent(result -> {
            context.forward(new Record<>(jobId, new JoinOutput.Completed(result),
                    result.getCompletedAt().toEpochMilli()));
            completedSinceCommitRequest = true;
        });
        step.tasks().forEach(task -> context.forward(
                new Record<>(jobId, new JoinOutput.Task(task), task.getDispatchedAt().toEpochMilli())));
        step.events().forEach(event -> context.forward(
                new Record<>(jobId, new JoinOutput.Event(event), event.getAt().toEpochMilli())));
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
            if (!same(before.get(branchId), result)) {
                resultsStore.put(JoinStores.resultKey(jobId, branchId), result);
            }
        });
        before.keySet().stream().filter(branchId -> !now.containsKey(branchId))
                .forEach(branchId -> resultsStore.delete(JoinStores.resultKey(jobId, branchId)));
    }

    /**
     * Whether two records hold the same values. Avro's generated equals cannot compare an array of records that
     * hold timestamps (it throws); such a pair counts as different, which only costs a write.
     */
    private static boolean same(Object a, Object b) {
        try {
            return Objects.equals(a, b);
        } catch (org.apache.avro.AvroRuntimeException e) {
            return false;
        }
    }

    /** The job's assembled state, from the cache or the stores; null when it has none. */
    private JobJoinState load(String jobId) {
        JobJoinState cached = cache.get(jobId);
        if (cached != null) {
            return cached;
        }
        JobJoinState stored = JoinStores.assemble(store, resultsStore, jobId);
        if (stored != null) {
            cache.put(jobId, stored);
        }
        return stored;
    }

    /** Forgets the job: its state, its results, its cached copy. */
    private void drop(String jobId, JobJoinState state) {
        store.delete(jobId);
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

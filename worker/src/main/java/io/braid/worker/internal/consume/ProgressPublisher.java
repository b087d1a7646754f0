package io.braid.worker.internal.consume;

import io.braid.schema.BranchError;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroSerializer;
import io.braid.worker.ProgressListener;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Clock;

/**
 * Publishes branch progress to the job-events topic, fire-and-forget: progress is informational. Every event is
 * published when it happens; a branch's BRANCH_FINISHED also says when it started ({@code startedAt}) and what its
 * model calls spent ({@code usage}, {@code cost}: the branch result's), so a watcher sums a job's spend as it runs.
 * A streaming model's partial output goes out as BRANCH_OUTPUT, throttled per branch: at most one event every
 * {@link #OUTPUT_EVERY}, at most {@link #OUTPUT_CHUNK} characters each (text arriving faster waits for the next
 * event; past {@link #OUTPUT_BUFFER} characters waiting it is dropped — the result has the whole output), for at most
 * {@link #OUTPUT_BRANCHES} branches at once.
 */
public final class ProgressPublisher implements ProgressListener {

    static final java.time.Duration OUTPUT_EVERY = java.time.Duration.ofMillis(250);
    static final int OUTPUT_CHUNK = 2_000;
    static final int OUTPUT_BUFFER = 4 * OUTPUT_CHUNK;
    static final int OUTPUT_BRANCHES = 10_000;

    /** A branch's streamed text not yet published, and when its last BRANCH_OUTPUT went out. */
    private static final class Pending {
        final StringBuilder text = new StringBuilder();
        long lastSentMillis = Long.MIN_VALUE;
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Pending> streaming =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Topics topics;
    private final AvroSerializer<SpecificRecord> serializer;
    private final Producer<String, byte[]> producer;
    private final String workerId;
    private final Clock clock;

    public ProgressPublisher(Topics topics, AvroSerializer<SpecificRecord> serializer,
                             Producer<String, byte[]> producer, String workerId, Clock clock) {
        this.topics = topics;
        this.serializer = serializer;
        this.producer = producer;
        this.workerId = workerId;
        this.clock = clock;
    }

    @Override
    public void started(BranchTask task, int attempt) {
        publish(event(task.getJobId(), task.getRound(), task.getBranch().getBranchId(), JobEventType.BRANCH_STARTED,
                attempt).build());
    }

    @Override
    public void retrying(BranchTask task, int failedAttempt, BranchError error) {
        publish(event(task.getJobId(), task.getRound(), task.getBranch().getBranchId(), JobEventType.BRANCH_RETRYING,
                failedAttempt).setMessage(error.getErrorClass() + ": " + error.getMessage()).build());
    }

    @Override
    public void partialOutput(BranchTask task, String text) {
        String key = key(task.getJobId(), task.getRound(), task.getBranch().getBranchId());
        Pending pending = streaming.get(key);
        if (pending == null) {
            if (streaming.size() >= OUTPUT_BRANCHES) {
                return;
            }
            pending = streaming.computeIfAbsent(key, k -> new Pending());
        }
        String chunk;
        synchronized (pending) {
            pending.text.append(text, 0, Math.min(text.length(), Math.max(0, OUTPUT_BUFFER - pending.text.length())));
            long now = clock.millis();
            if (pending.lastSentMillis != Long.MIN_VALUE && now - pending.lastSentMillis < OUTPUT_EVERY.toMillis()) {
                return;
            }
            chunk = pending.text.substring(0, Math.min(pending.text.length(), OUTPUT_CHUNK));
            pending.text.delete(0, chunk.length());
            pending.lastSentMillis = now;
        }
        publish(event(task.getJobId(), task.getRound(), task.getBranch().getBranchId(), JobEventType.BRANCH_OUTPUT, 0)
                .setMessage(chunk).build());
    }

    private static String key(String jobId, int round, String branchId) {
        return jobId + '\u0000' + round + '\u0000' + branchId;
    }

    @Override
    public void finished(BranchResult result) {
        streaming.remove(key(result.getJobId(), result.getRound(), result.getBranchId()));
        publish(event(result.getJobId(), result.getRound(), result.getBranchId(), JobEventType.BRANCH_FINISHED,
                result.getAttempt()).setBranchStatus(result.getStatus()).setStartedAt(result.getStartedAt())
                .setUsage(result.getUsage()).setCost(result.getCost()).build());
    }

    /** Drops the branch's unpublished streamed text, so a branch that never finishes here holds no entry. */
    @Override
    public void ended(BranchTask task) {
        streaming.remove(key(task.getJobId(), task.getRound(), task.getBranch().getBranchId()));
    }

    /** How many branches' streamed text is held (for tests). */
    int streamingBranches() {
        return streaming.size();
    }

    private JobEvent.Builder event(String jobId, int round, String branchId, JobEventType type, int attempt) {
        return JobEvent.newBuilder().setJobId(jobId).setRound(round).setBranchId(branchId).setType(type)
                .setWorkerId(workerId).setAttempt(attempt).setAt(clock.instant());
    }

    private void publish(JobEvent event) {
        try {
            producer.send(new ProducerRecord<>(topics.jobEvents(), event.getJobId(),
                    serializer.serialize(topics.jobEvents(), event)));
        } catch (RuntimeException e) {
            // progress is best effort; the branch result is what counts
        }
    }
}
